from django.urls import path

from cod import hooks, views

app_name = "cod"
urlpatterns = [
    path("c/<str:token>", views.confirmation_page, name="confirm"),
    path("hooks/inbound", hooks.inbound, name="inbound"),
    path("dashboard/cod/queue/", views.queue, name="queue"),
    path("dashboard/cod/queue/<int:pk>/resolve/", views.resolve, name="resolve"),
    path("dashboard/cod/outbox/", views.outbox, name="outbox"),
    path("dashboard/cod/orders/<str:number>/event/", views.staff_event, name="staff-event"),
]
