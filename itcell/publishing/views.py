from django.http import HttpRequest, HttpResponse


def _todo(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("")


posts = compose = post_page = edit = act = review_queue = calendar = import_calendar = _todo
deliveries = settle_delivery = pause = channels = media_library = my_tasks = share = _todo
sandbox_feed = _todo
