"""Bench settings only: `X-Queries` on every response, the number of SQL statements the request ran."""

from django.db import connection


class QueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counted(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counted):
            response = self.get_response(request)
            if response.streaming:
                return response  # its queries run while it streams, after this header would be sent
        response["X-Queries"] = str(count)
        return response
