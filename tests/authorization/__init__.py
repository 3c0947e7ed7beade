"""Each app's rules for the authorisation matrix (tests/test_authorization_matrix.py), one module per app: see
PLUGINS there for what a module may define. roles.py holds the roles and the rule classes."""
