"""Entry point: ``app`` for gunicorn and ``flask --app wsgi``; ``socketio`` for the Socket.IO
worker. ``python wsgi.py`` serves the development server with Socket.IO (threading mode)."""
import os

from studio import create_app
from studio.extensions import socketio

app = create_app()

if __name__ == "__main__":
    socketio.run(app, host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ.get("PORT", "5000")),
                 allow_unsafe_werkzeug=True, debug=False)
