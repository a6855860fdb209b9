from django.urls import path

from . import views

app_name = "logistics"
urlpatterns = [
    path("rates", views.rates, name="rates"),
    path("track", views.track, name="track_form"),
    path("track/<str:code>", views.track, name="track"),
    path("biteship/webhook", views.biteship_webhook, name="biteship_webhook"),
    path("parcels/<str:public_id>/", views.parcel_detail, name="parcel"),
    path("parcels/<str:public_id>/label.pdf", views.parcel_label, name="parcel_label"),
    path("centres/<str:org_public_id>/batching/", views.centre_batching, name="batching"),
    path("batches/<str:public_id>/", views.batch_detail, name="batch"),
    path("batches/<str:public_id>/manifest.pdf", views.batch_manifest, name="batch_manifest"),
    path("batches/<str:public_id>/labels.pdf", views.batch_labels, name="batch_labels"),
    path("batches/<str:public_id>/handover", views.handover, name="handover"),
    path("courier/", views.courier_home, name="courier"),
]
