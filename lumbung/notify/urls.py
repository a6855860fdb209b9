from django.urls import path

from . import views

app_name = "notify"
urlpatterns = [
    path("sms/inbound", views.sms_inbound, name="sms_inbound"),
    path("sms/reports", views.sms_reports, name="sms_reports"),
    path("outbox/", views.demo_outbox, name="demo_outbox"),
]
