"""Who may open what: the expected answer to every URL pattern, for every role (the data of
tests/test_access_matrix.py).

One line per URL pattern and object:

    <pattern>  <object>  <anon> <patient_a> <patient_b> <trainee_a> <trainee_b> <educator> <clinician>

- pattern: the name as given to reverse() ("quizzes:attempt_result", "admin:index", "healthz"),
  or, for a pattern without a name, its route as the resolver prints it.
- object: what the URL's arguments (and a POST's body) point at, a key of
  `test_access_matrix.OBJECTS`: "-" for none; "<kind>@A" or "<kind>@B" for an object owned by
  user A or B (trainee A's attempt, patient B's consent record...); a shared object ("quiz",
  "lesson"...); or, for a pattern without a name, the literal path to request ("/admin/nowhere/").
- each cell: the status of a GET and of a POST, "GET/POST", or one value for both:
  200, 302 (a redirect elsewhere), 400, 403, 404, 405, 429,
  login (a redirect to the login page), admin-login (to the admin's), code (to the patient's
  code page).
  A POST's body is `test_access_matrix.BODIES[pattern]` (something that would change a row
  if allowed), else empty.

A refusal (login, admin-login, code, 400, 403, 404, 405, 429) must change no stored row; a 403
for someone else's object must also be a 403 for an object that does not exist (another user's
object is never confirmed). Add a page: add its line here (the test names every pattern that
has none).

The admin's pages per registered model are covered by one line in ADMIN_MODELS:

    <app_label.model>  <changelist> <add> <change> <delete> <history> <object>

each cell "GET/POST" as above, for the educator (the only role with is_staff); every other role
gets `ADMIN_OTHERS` for every admin page. <object> is the old address `<model>/<id>/`, a redirect
to the change page. The object is the model's first row.
"""

ROLES = ["anon", "patient_a", "patient_b", "trainee_a", "trainee_b", "educator", "clinician"]

MATRIX = """
# pattern                       object            anon         patient_a    patient_b    trainee_a    trainee_b    educator     clinician
healthz                         -                 200/405      200/405      200/405      200/405      200/405      200/405      200/405
login                           -                 200/302      200/302      200/302      200/302      200/302      200/302      200/302
logout                          -                 200/302      200/302      200/302      200/302      200/302      200/302      200/302
signup                          -                 200/302      200/302      200/302      200/302      200/302      200/302      200/302
quizzes:home                    -                 200          200          200          200          200          200          200
quizzes:lesson_detail           lesson            200          200          200          200          200          200          200
quizzes:quiz_take               quiz              login        403          403          200/302      200/302      200/302      200/302
quizzes:quiz_take               open_attempt@A    login        403          403          200/302      200/404      200/404      200/404
quizzes:quiz_take               open_attempt@B    login        403          403          200/404      200/302      200/404      200/404
quizzes:attempt_result          attempt@A         login        403          403          200          404          404          404
quizzes:attempt_result          attempt@B         login        403          403          404          200          404          404
quizzes:my_results              -                 login        403          403          200/405      200/405      200/405      200/405
quizzes:selftest_new            -                 login        403          403          200/302      200/302      200/302      200/302
quizzes:selftest_take           selftest@A        login        403          403          200/302      404          404          404
quizzes:selftest_take           selftest@B        login        403          403          404          200/302      404          404
quizzes:selftest_finish         selftest@A        login        403          403          200/302      404          404          404
quizzes:selftest_finish         selftest@B        login        403          403          404          200/302      404          404
quizzes:selftest_review         done_selftest@A   login        403          403          200/405      404/405      404/405      404/405
quizzes:selftest_review         done_selftest@B   login        403          403          404/405      200/405      404/405      404/405
quizzes:progress                -                 login        403          403          200/405      200/405      200/405      200/405
quizzes:progress_chart          chart             login        403          403          200/405      200/405      200/405      200/405
quizzes:review_queue            -                 login        403          403          200/302      200/302      200/302      200/302
quizzes:quiz_save               open_attempt@A    405/login    405/403      405/403      405/200      405/404      405/404      405/404
quizzes:quiz_save               open_attempt@B    405/login    405/403      405/403      405/404      405/200      405/404      405/404
quizzes:selftest_discard        selftest@A        login        403          403          200/302      404          404          404
quizzes:selftest_discard        selftest@B        login        403          403          404          200/302      404          404
quizzes:consent_code            code@A            200/302      200/302      200/302      200/302      200/302      200/302      200/302
quizzes:consent_link            token@A           302          302          302          302          302          302          302
quizzes:consent_link            token@B           302          302          302          302          302          302          302
quizzes:pathway_home            -                 code         200          200          code         code         code         code
quizzes:pathway_leave           -                 405/200      405/200      405/200      405/200      405/200      405/200      405/200
quizzes:pathway_resume          -                 code         302          302          code         code         code         code
quizzes:pathway_lesson          pathway_lesson    code         302          302          code         code         code         code
quizzes:pathway_lesson_step     pathway_step      code         200          200          code         code         code         code
quizzes:pathway_more            pathway_more      code         200          200          code         code         code         code
quizzes:pathway_practice        practice          code         200          200          code         code         code         code
quizzes:pathway_done            -                 code         302          200          code         code         code         code
quizzes:pathway_check           check@A           code         200/302      302          code         code         code         code
quizzes:pathway_feedback        event@A           code         200          404          code         code         code         code
quizzes:pathway_feedback        event@B           code         404          200          code         code         code         code
quizzes:patient_list            -                 login        403          403          403          403          403          200/405
quizzes:patient_new             -                 login        403          403          403          403          403          200
quizzes:patient_detail          enrolment@A       login        403          403          403          403          403          200
quizzes:patient_detail          enrolment@B       login        403          403          403          403          403          200
quizzes:patient_pdf             enrolment@A       login        403          403          403          403          403          200
quizzes:patient_pdf             enrolment@B       login        403          403          403          403          403          200
quizzes:patient_signoff         enrolment@B       login        403          403          403          403          403          405/302
quizzes:patient_revoke          enrolment@A       login        403          403          403          403          403          200/302
quizzes:patient_lockout_lift    enrolment@A       login        403          403          403          403          403          405/302
quizzes:quiz_stats_list         -                 login/405    403/405      403/405      403/405      403/405      200/405      403/405
quizzes:quiz_statistics         quiz              login/405    403/405      403/405      403/405      403/405      200/405      403/405
quizzes:quiz_statistics_chart   stats_chart       login/405    403/405      403/405      403/405      403/405      200/405      403/405
quizzes:consent_check_stats     pathway           login/405    403/405      403/405      403/405      403/405      200/405      403/405
quizzes:quiz_export_csv         export            login/405    403/405      403/405      403/405      403/405      200/405      403/405
quizzes:import_upload           -                 login        403          403          403          403          200          403
quizzes:import_confirm          -                 405/login    405/403      405/403      405/403      405/403      405/400      405/403
admin:index                     -                 admin-login  admin-login  admin-login  admin-login  admin-login  200          admin-login
admin:login                     -                 200          200          200          200          200          302/200      200
admin:logout                    -                 302          302          302          302          302          405/302      302
admin:password_change           -                 admin-login  admin-login  admin-login  admin-login  admin-login  200          admin-login
admin:password_change_done      -                 admin-login  admin-login  admin-login  admin-login  admin-login  200/405      admin-login
admin:autocomplete              -                 admin-login  admin-login  admin-login  admin-login  admin-login  403/405      admin-login
admin:jsi18n                    -                 admin-login  admin-login  admin-login  admin-login  admin-login  200/405      admin-login
admin:view_on_site              quiz_on_site      admin-login  admin-login  admin-login  admin-login  admin-login  302          admin-login
admin:app_list                  app_quizzes       admin-login  admin-login  admin-login  admin-login  admin-login  200          admin-login
admin:app_list                  app_auth          admin-login  admin-login  admin-login  admin-login  admin-login  404          admin-login
admin:quizzes_question_preview  question          admin-login  admin-login  admin-login  admin-login  admin-login  200          admin-login
admin:quizzes_question_versions question          admin-login  admin-login  admin-login  admin-login  admin-login  200          admin-login
admin:auth_user_password_change trainee_user      admin-login  admin-login  admin-login  admin-login  admin-login  403          admin-login
admin/(?P<url>.*)$              /admin/nowhere/   admin-login  admin-login  admin-login  admin-login  admin-login  404          admin-login
"""

# Every role but the educator, on every admin page of a model.
ADMIN_OTHERS = "admin-login"

ADMIN_MODELS = """
# model                   changelist   add          change       delete       history      object
quizzes.topic             200/302      200          200          200/302      200          302
quizzes.lesson            200/403      200          200          200/403      200          302
quizzes.lessonsection     200/302      200          200          200/302      200          302
quizzes.quiz              200          200          200          200          200          302
quizzes.question          200/302      200          200          200/302      200          302
quizzes.pathway           200          200          200          200          200          302
quizzes.enrolment         403          403          403          403          403          302
quizzes.consentrecord     403          403          403          403          403          302
quizzes.signoff           403          403          403          403          403          302
quizzes.auditlogentry     403          403          403          403          403          302
quizzes.attempt           403          403          403          403          403          302
quizzes.lessonprogress    403          403          403          403          403          302
auth.user                 403          403          403          403          403          302
auth.group                403          403          403          403          403          302
axes.accessattempt        403          403          403          403          403          302
axes.accesslog            403          403          403          403          403          302
axes.accessfailurelog     403          403          403          403          403          302
"""
ADMIN_VIEWS = ["changelist", "add", "change", "delete", "history", "object"]
