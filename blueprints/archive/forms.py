from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField


class ArchiveForm(FlaskForm):
    recordings = BooleanField(_l("Include the classroom recordings (the archive can become "
                                 "several gigabytes and take much longer to build)"))
