from django.urls import path

from . import views

app_name = "collaboration"

urlpatterns = [
    path("initiatives/<str:reference>/conversation/", views.initiative_conversation, name="initiative_conversation"),
    path("updates/<int:pk>/conversation/", views.update_conversation, name="update_conversation"),
    path("comments/<int:pk>/edit/", views.comment_edit, name="comment_edit"),
    path("comments/<int:pk>/delete/", views.comment_delete, name="comment_delete"),
    path("mentions/", views.mentions, name="mentions"),
    path("notifications/", views.notifications, name="notifications"),
    path("following/", views.following, name="following"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/calendar/", views.calendar_reset, name="calendar_reset"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("board-meetings/", views.board_meetings, name="board_meetings"),
    path("board-meetings/<int:pk>/delete/", views.board_meeting_delete, name="board_meeting_delete"),
    path("views/", views.saved_views, name="saved_views"),
    path("views/new/", views.saved_view_save, name="saved_view_save"),
    path("views/<int:pk>/", views.saved_view_open, name="saved_view"),
    path("views/<int:pk>/delete/", views.saved_view_delete, name="saved_view_delete"),
]
