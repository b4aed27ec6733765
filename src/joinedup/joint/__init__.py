"""Joint working around a child: plans shared with named partner practitioners, the partner's own plan
summary beside ours, and the conversation between them."""
