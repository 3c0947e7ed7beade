"""What approving an update costs the caches (issue 21): one real approval, through the review page, renews each
cache token once when it commits, however many of its writes (the update, the initiative's current update, the
change feed's entries) ask for a renewal. Counted with a spy on core.cache's own writer of tokens."""

from collections import Counter

from core import cache as portal_cache
from initiatives.models import ProgressUpdate

CDO = "cdo@demo.digitaloffice.scot"


def test_approving_an_update_renews_each_cache_token_once(client, login_as, monkeypatch,
                                                          django_capture_on_commit_callbacks):
    update = ProgressUpdate.objects.filter(state=ProgressUpdate.State.SUBMITTED).exclude(
        submitted_by__email=CDO).exclude(author__email=CDO).order_by("pk").first()
    login_as(CDO)
    written = []
    real_write = portal_cache._write_tokens

    def spy(tokens):
        written.append(set(tokens))
        return real_write(tokens)

    monkeypatch.setattr(portal_cache, "_write_tokens", spy)
    asked = []
    real_renew = portal_cache.renew
    monkeypatch.setattr(portal_cache, "renew", lambda *tokens: asked.append(tokens) or real_renew(*tokens))
    before = {token: portal_cache.token_value(token) for token in portal_cache.TOKENS}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/initiatives/review/{update.pk}/", {"decision": "approve", "version": update.version})
        assert written == []  # nothing renewed before the approval commits
    assert response.status_code == 302
    update.refresh_from_db()
    assert update.state == ProgressUpdate.State.APPROVED
    renewed = Counter(token for tokens in written for token in tokens)
    assert renewed == {portal_cache.PARTNER_DATA: 1, portal_cache.STAFF_DATA: 1, portal_cache.WORKFLOW: 1}
    after = {token: portal_cache.token_value(token) for token in portal_cache.TOKENS}
    assert all(after[token] != before[token] for token in portal_cache.TOKENS)  # and each was really renewed
    assert len(asked) > 1  # several writes asked for a renewal; the shared store was written once for each token
