using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace CityBrain.Hub.Service.OperatorView;

/// <summary>
/// Endpoint filter of the view: when a token is configured, every request must carry it as
/// <c>Authorization: Bearer</c> or in the <see cref="CookieName"/> cookie; a GET with <c>?token=</c> sets that cookie
/// (HttpOnly, SameSite=Strict) and redirects to the same URL without the token.
/// </summary>
public sealed class TokenGate(IOptions<OperatorViewOptions> options) : IEndpointFilter
{
    public const string CookieName = "citybrain_view";

    private readonly byte[]? _token = string.IsNullOrWhiteSpace(options.Value.Token) ? null : Encoding.UTF8.GetBytes(options.Value.Token.Trim());

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (_token is null)
        {
            return await next(context);
        }

        var http = context.HttpContext;
        var request = http.Request;
        string? bearer = request.Headers.Authorization.ToString() is { Length: > 7 } auth && auth.StartsWith("Bearer ", StringComparison.Ordinal) ? auth[7..].Trim() : null;
        if (Matches(bearer) || Matches(request.Cookies[CookieName]))
        {
            return await next(context);
        }

        if (HttpMethods.IsGet(request.Method) && Matches(request.Query["token"].ToString()))
        {
            http.Response.Cookies.Append(CookieName, Encoding.UTF8.GetString(_token), new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Secure = request.IsHttps,
                Path = "/",
            });
            var query = QueryString.Create(request.Query.Where(q => q.Key != "token"));
            return Results.Redirect(request.PathBase + request.Path + query);
        }

        http.Response.Headers.WWWAuthenticate = "Bearer";
        return Results.Json(new { error = "a token is required: send 'Authorization: Bearer <token>' or open the page once with ?token=<token>" }, statusCode: StatusCodes.Status401Unauthorized);
    }

    private bool Matches(string? candidate) =>
        !string.IsNullOrEmpty(candidate) && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(candidate), _token);
}
