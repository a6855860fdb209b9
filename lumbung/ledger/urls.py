from django.urls import path

from . import views

app_name = "ledger"
urlpatterns = [
    path("", views.accounts, name="accounts"),
    path("<str:code>/", views.statement, name="statement"),
]
