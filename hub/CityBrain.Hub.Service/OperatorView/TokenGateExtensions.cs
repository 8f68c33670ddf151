using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CityBrain.Hub.Service.OperatorView;

/// <summary>Puts endpoints behind the view's <see cref="TokenGate"/>.</summary>
public static class TokenGateExtensions
{
    /// <summary>
    /// Wraps every endpoint of <paramref name="builder"/> (minimal API handlers and plain request delegates alike, e.g.
    /// <c>app.MapMetrics().RequireViewToken()</c>) so that it runs only with the token when one is configured. With
    /// <paramref name="cityWide"/>, a token limited to a district or street (<see cref="Viewer.Limit"/>) is refused with 403:
    /// for endpoints that name every node of the city and cannot be narrowed (<c>/metrics</c>, <c>/ingest/stats</c>).
    /// </summary>
    public static TBuilder RequireViewToken<TBuilder>(this TBuilder builder, bool cityWide = false)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.Finally(endpoint =>
        {
            var next = endpoint.RequestDelegate;
            if (next is null)
            {
                return;
            }

            endpoint.RequestDelegate = async http =>
            {
                if (!await http.RequestServices.GetRequiredService<TokenGate>().AuthorizeAsync(http))
                {
                    return;
                }

                if (cityWide && Viewer.Of(http).Limit is not null)
                {
                    http.Response.StatusCode = StatusCodes.Status403Forbidden;
                    await http.Response.WriteAsJsonAsync(
                        new ErrorResponse("this endpoint covers the whole city: a token limited to a district or street may not read it"),
                        ViewJsonContext.Default.ErrorResponse,
                        cancellationToken: http.RequestAborted);
                    return;
                }

                await next(http);
            };
        });
        return builder;
    }
}
