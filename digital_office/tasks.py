from celery import shared_task


@shared_task
def ping():
    """Answers the health check's question "is a worker consuming the queue?"."""
    return "pong"
