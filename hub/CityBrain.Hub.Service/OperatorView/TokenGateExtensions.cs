using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CityBrain.Hub.Service.OperatorView;

/// <summary>Puts endpoints behind the view's <see cref="TokenGate"/>.</summary>
public static class TokenGateExtensions
{
    /// <summary>
    /// Wraps every endpoint of <paramref name="builder"/> (minimal API handlers and plain request delegates alike, e.g.
    /// <c>app.MapMetrics().RequireViewToken()</c>) so that it runs only with the token when one is configured.
    /// </summary>
    public static TBuilder RequireViewToken<TBuilder>(this TBuilder builder)
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
                if (await http.RequestServices.GetRequiredService<TokenGate>().AuthorizeAsync(http))
                {
                    await next(http);
                }
            };
        });
        return builder;
    }
}
