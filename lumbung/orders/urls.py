from django.urls import path

from . import views

app_name = "orders"
urlpatterns = [
    path("cart/", views.cart, name="cart"),
    path("cart/add/", views.cart_add, name="cart_add"),
    path("checkout/", views.checkout, name="checkout"),
    path("", views.orders_mine, name="mine"),
    path("selling/", views.orders_selling, name="selling"),
    path("<str:public_id>/", views.order_detail, name="detail"),
    path("<str:public_id>/do/<str:act>/", views.order_act, name="act"),
    path("<str:public_id>/review/<str:line>/", views.review, name="review"),
]
