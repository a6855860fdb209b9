from django.urls import path

from . import views

app_name = "payments"
urlpatterns = [
    path("midtrans/notification", views.midtrans_notification, name="midtrans_notification"),
    path("pay/", views.pay, name="pay"),
    path("staff/payouts/", views.staff_payouts, name="staff_payouts"),
    path("staff/payouts/<str:public_id>.csv", views.staff_batch_csv, name="staff_batch_csv"),
    path("<str:public_id>/", views.intent, name="intent"),
    path("<str:public_id>/va/", views.intent_va, name="intent_va"),
    path("<str:public_id>/qris/", views.intent_qris, name="intent_qris"),
    path("<str:public_id>/cancel/", views.intent_cancel, name="intent_cancel"),
]
