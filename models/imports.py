"""A previewed member import, kept until it is applied or abandoned."""
from models.base import utcnow
from studio.extensions import db


class ImportBatch(db.Model):
    __tablename__ = "import_batches"

    id = db.Column(db.Integer, primary_key=True)
    studio_id = db.Column(db.Integer, db.ForeignKey("studios.id"), nullable=False, index=True)
    created_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    filename = db.Column(db.String(255), nullable=False, default="")
    rows = db.Column(db.JSON, nullable=False)
    initial_password_hash = db.Column(db.String(256), nullable=False)
    applied_at = db.Column(db.DateTime, nullable=True)

    studio = db.relationship("Studio")
