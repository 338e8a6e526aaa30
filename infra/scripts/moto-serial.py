"""Runs moto's server with requests applied one at a time.

moto_server handles requests on threads without locking its models, so two
concurrent UpdateItem ADDs (or conditional puts) can interleave, which real
DynamoDB never lets happen: each request is atomic there. Serialising the
requests gives the tests DynamoDB's atomicity; connections are still
accepted concurrently.

Usage: python3 moto-serial.py HOST PORT
"""
import signal
import sys
import threading

from werkzeug.serving import run_simple
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app


def main() -> None:
    host, port = sys.argv[1], int(sys.argv[2])
    app = DomainDispatcherApplication(create_backend_app)
    lock = threading.Lock()

    def serial(environ, start_response):
        with lock:
            # Materialise the body inside the lock: the request is done
            # when its answer is.
            return list(app(environ, start_response))

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    run_simple(host, port, serial, threaded=True)


if __name__ == "__main__":
    main()
