from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_phone, name="login"),
    path("login/code/", views.login_code, name="login_code"),
    path("login/password/", views.login_password, name="login_password"),
    path("logout/", views.logout_view, name="logout"),
    path("profile/", views.profile, name="profile"),
    path("password/", views.password_set, name="password"),
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/<str:public_id>/", views.organisation_detail, name="organisation"),
    path("organisations/<str:public_id>/remove/", views.member_remove, name="member_remove"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<str:prefix>/revoke/", views.token_revoke, name="token_revoke"),
    path("assist/", views.assist, name="assist"),
    path("assist/in-person/", views.assist_in_person, name="assist_in_person"),
    path("assist/<str:public_id>/code/", views.assist_code, name="assist_code"),
    path("assist/<str:public_id>/revoke/", views.assist_revoke, name="assist_revoke"),
]
