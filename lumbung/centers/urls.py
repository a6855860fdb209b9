from django.urls import path

from . import views, views_complaint, views_counter

app_name = "centers"
urlpatterns = [
    path("", views.index, name="index"),
    path("console/", views_counter.console_home, name="console"),
    path("pickups/mine/", views_counter.my_pickups, name="my_pickups"),
    path("<str:public_id>/", views.centre_page, name="centre"),
    path("<str:public_id>/receive/", views.receive, name="receive"),
    path("<str:public_id>/cash-up/", views.cash_up, name="cash_up"),
    path("<str:public_id>/counter/", views_counter.counter, name="counter"),
    path("<str:public_id>/intake/", views_counter.intake, name="intake"),
    path("<str:public_id>/parcels/", views_counter.parcel_desk, name="parcel_desk"),
    path("<str:public_id>/assist/", views_counter.assist, name="assist"),
    path("<str:public_id>/assist/<str:villager_id>/", views_counter.assist_villager, name="assist_villager"),
    path(
        "<str:public_id>/assist/<str:villager_id>/complaint/",
        views_complaint.assist_complaint,
        name="assist_complaint",
    ),
    path("<str:public_id>/receipts/<str:act_id>/", views_counter.receipt, name="receipt"),
    path("<str:public_id>/commission/", views_counter.commission, name="commission"),
]
