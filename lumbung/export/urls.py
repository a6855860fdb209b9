from django.urls import path

from . import views, views_actions, views_trade

app_name = "export"
urlpatterns = [
    path("", views.home, name="home"),
    path("exporters/new/", views.exporter_register, name="exporter_register"),
    path("exporters/<str:public_id>/", views.exporter_detail, name="exporter"),
    path("exporters/<str:public_id>/verify/", views.exporter_verify, name="exporter_verify"),
    path("rfqs/new/", views_trade.rfq_new, name="rfq_new"),
    path("rfqs/<str:public_id>/", views_trade.rfq_detail, name="rfq"),
    path("quotes/<str:public_id>/<str:action>/", views_trade.quote_act, name="quote_act"),
    path("contracts/<str:public_id>/", views_trade.contract_detail, name="contract"),
    path("contracts/<str:public_id>/do/<str:action>/", views_actions.contract_action, name="contract_action"),
    path("pools/<str:public_id>/lots/", views_actions.lot_assemble, name="lot_assemble"),
    path("pools/<str:public_id>/payout/", views_actions.pool_payout, name="pool_payout"),
    path("lots/<str:public_id>/inspect/", views_actions.lot_inspect, name="lot_inspect"),
    path("contracts/<str:public_id>/<str:name>.pdf", views_trade.contract_pdf, name="contract_pdf"),
    path("pools/<str:public_id>/", views_trade.pool_detail, name="pool"),
    path("producer/", views_trade.producer_home, name="producer"),
    path("p/<str:public_id>/", views.provenance, name="provenance"),
    path("p/<str:public_id>/qr.svg", views.provenance_qr, name="provenance_qr"),
]
