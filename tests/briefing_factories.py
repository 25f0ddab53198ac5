"""Work briefings for tests: a briefing with a picture, and the URL values of the
authorization matrix."""
from studio.extensions import db


def make_briefing(studio, master, title="工作简报", body="本期内容。", publish=False,
                  image=False):
    from blueprints.briefings import operations
    from studio.demo import png_bytes
    briefing = operations.create_briefing(studio, master, title, body)
    if image:
        add_picture(briefing, master, png_bytes(8, 8))
    if publish:
        operations.publish_briefing(briefing, master)
    db.session.flush()
    return briefing


def add_picture(briefing, master, data, name="现场.png"):
    import io

    from werkzeug.datastructures import FileStorage

    from blueprints.briefings import operations
    image = operations.add_image(briefing, master, FileStorage(io.BytesIO(data), filename=name))
    body = briefing.body + "\n\n" + operations.image_markdown(briefing, image, "现场")
    operations.update_briefing(briefing, master, briefing.title, body)
    return image


def briefing_values(cast, photo):
    """A published briefing (第1期) with picture 1 that shows the activity ``photo``; a
    draft."""
    from blueprints.briefings import operations
    published = make_briefing(cast.studio, cast.master, "第一期简报", image=True)
    operations.update_briefing(published, cast.master, published.title, published.body
                               + f"\n\n![照片]({operations.photo_url(published, photo.id)})")
    operations.publish_briefing(published, cast.master)
    draft = make_briefing(cast.studio, cast.master, "草稿简报")
    db.session.commit()
    return {"briefing_id": published.id, "draft_briefing_id": draft.id, "number": 1}
