"""The DingTalk (钉钉) runtime: the same conversations on the messenger the districts in
mainland China use, through the official ``dingtalk-stream`` SDK in Stream mode (no
public address needed). See docs/dingtalk.md for what the SDK really does and why the
runtime keeps its own connections."""
