"""Writing through the admin site's own forms in tests: the change form posted as it stands, with some changes,
and the delete confirmation."""

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    """The values an admin change form would post as it stands (inputs, checked boxes, selected options,
    textareas), inline formsets and their management forms included."""

    def __init__(self):
        super().__init__()
        self.data, self._select, self._textarea = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file", "image"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.data[name] = attrs.get("value", "on" if attrs.get("type") == "checkbox" else "")
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data.strip("\n")


def admin_save(admin, instance, **changes):
    """Change `instance` through its admin change form, as an admin would: the form as shown, with `changes`."""
    url = f"/admin/{instance._meta.app_label}/{instance._meta.model_name}/{instance.pk}/change/"
    page = admin.get(url)
    assert page.status_code == 200
    reader = _FormReader()
    reader.feed(page.content.decode())
    data = {name: value for name, value in reader.data.items() if name != "csrfmiddlewaretoken"}
    data.update({name: str(value) for name, value in changes.items()})
    response = admin.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]


def admin_delete(admin, instance):
    url = f"/admin/{instance._meta.app_label}/{instance._meta.model_name}/{instance.pk}/delete/"
    response = admin.post(url, {"post": "yes"})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert not type(instance).objects.filter(pk=instance.pk).exists()
