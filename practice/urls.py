from django.urls import path

from .views import lessons, library, search

app_name = "practice"

urlpatterns = [
    path("search/", search.search, name="search"),
    path("practice/", library.asset_list, name="list"),
    path("practice/new/", library.asset_create, name="create"),
    path("practice/review/", library.review, name="review"),
    path("practice/councils/<slug:slug>/", library.council, name="council"),
    path("practice/lessons/<str:reference>/<str:stage>/", lessons.lesson_record, name="lessons"),
    path("practice/<int:pk>/", library.asset_detail, name="detail"),
    path("practice/<int:pk>/edit/", library.asset_edit, name="edit"),
    path("practice/<int:pk>/submit/", library.asset_submit, name="submit"),
    path("practice/<int:pk>/decide/", library.asset_decide, name="decide"),
    path("practice/<int:pk>/retire/", library.asset_retire, name="retire"),
    path("practice/<int:pk>/files/add/", library.file_add, name="file_add"),
    path("practice/<int:pk>/files/<int:file_pk>/", library.file_download, name="file"),
    path("practice/<int:pk>/adopt/", library.adopt, name="adopt"),
    path("practice/<int:pk>/adoptions/<int:adoption_pk>/confirm/", library.adoption_confirm, name="confirm"),
    path("practice/<int:pk>/adoptions/<int:adoption_pk>/benefits/", library.adoption_benefits,
         name="adoption_benefits"),
    path("practice/<int:pk>/adoptions/<int:adoption_pk>/reconfirm/", library.adoption_reconfirm,
         name="reconfirm"),
]
