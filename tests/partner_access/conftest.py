from _pytest.nodes import Node

if not hasattr(Node, "_nodeid"):
    # schemathesis 4.32's lazy (fixture-loaded) schemas rename the running test through `node._nodeid`,
    # which pytest 9 no longer has: read it as the node id and ignore the renaming (it only affects reports).
    Node._nodeid = property(lambda node: node.nodeid, lambda node, value: None)
