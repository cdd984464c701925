def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())
