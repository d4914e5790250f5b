"""Signing in to the newsroom the way a person does: the real form, CSRF checks on."""

from bs4 import BeautifulSoup
from django.test import Client

SIGN_IN = "/newsroom/login/"
PASSWORD = "a-long-passphrase"
WRONG = "not-the-passphrase"


def newsroom_client(address: str = "127.0.0.1") -> Client:
    """A browser at one address."""
    return Client(enforce_csrf_checks=True, REMOTE_ADDR=address)


def sign_in(client: Client, username: str, password: str, headers: dict | None = None):
    """Load the sign-in page, fill in the form, send it."""
    headers = headers or {}
    form = client.get(SIGN_IN, headers=headers)
    assert form.status_code == 200, form.status_code
    token = BeautifulSoup(form.content, "html.parser").find(
        "input", {"name": "csrfmiddlewaretoken"}
    )["value"]
    fields = {"username": username, "password": password, "next": "/newsroom/"}
    return client.post(SIGN_IN, {**fields, "csrfmiddlewaretoken": token}, headers=headers)


def signed_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/newsroom/"


def wrong_password(response) -> bool:
    """The ordinary refusal: the form again, with Django's message."""
    return response.status_code == 200 and b"Please enter the correct" in response.content


def locked_out(response) -> bool:
    return response.status_code == 429 and b"Too many failed sign-ins" in response.content
