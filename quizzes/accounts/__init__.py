"""Accounts: signing up as a trainee, logging in and out."""
