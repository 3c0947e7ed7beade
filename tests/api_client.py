"""What the API tests of every app share: reading a (streamed) body, the error shape, walking a list to its end.
The fixtures make_key and key_client are in tests/conftest.py."""

from django.test import Client


def keyed_client(text) -> Client:
    """A test client that sends `Authorization: Api-Key <text>`."""
    return Client(HTTP_AUTHORIZATION=f"Api-Key {text}")


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def error_of(response):
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    error = response.json()["error"]
    assert error["status"] == response.status_code
    assert error["code"] and error["message"]
    return error


def all_pages(client, path, **params):
    """Walk a list to its end; returns (rows, sync token of the last page)."""
    rows, url, token = [], path, None
    response = client.get(url, params)
    while True:
        assert response.status_code == 200, response.content
        data = response.json()
        rows += data["results"]
        token = data["next_updated_since"]
        if not data["next"]:
            return rows, token
        response = client.get(data["next"])
