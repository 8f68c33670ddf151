using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace CityBrain.Hub.Service.OperatorView;

/// <summary>
/// The view's token check: when a token is configured, every request must carry it as <c>Authorization: Bearer</c>
/// or in the <see cref="CookieName"/> cookie; a GET with <c>?token=</c> sets that cookie (HttpOnly,
/// SameSite=Strict) and redirects to the same URL without the token. Applied to endpoints with
/// <see cref="TokenGateExtensions.RequireViewToken"/>.
/// </summary>
public sealed class TokenGate(IOptions<OperatorViewOptions> options)
{
    public const string CookieName = "citybrain_view";

    private readonly byte[]? _token = string.IsNullOrWhiteSpace(options.Value.Token) ? null : Encoding.UTF8.GetBytes(options.Value.Token.Trim());

    public bool Enabled => _token is not null;

    /// <summary>True when the request may go on; otherwise the response (401 or the cookie redirect) is written.</summary>
    public async ValueTask<bool> AuthorizeAsync(HttpContext http)
    {
        if (_token is null)
        {
            return true;
        }

        var request = http.Request;
        string? bearer = request.Headers.Authorization.ToString() is { Length: > 7 } auth && auth.StartsWith("Bearer ", StringComparison.Ordinal) ? auth[7..].Trim() : null;
        if (Matches(bearer) || Matches(request.Cookies[CookieName]))
        {
            return true;
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
            http.Response.Redirect(request.PathBase + request.Path + query);
            return false;
        }

        http.Response.StatusCode = StatusCodes.Status401Unauthorized;
        http.Response.Headers.WWWAuthenticate = "Bearer";
        await http.Response.WriteAsJsonAsync(
            new ErrorResponse("a token is required: send 'Authorization: Bearer <token>' or open the page once with ?token=<token>"),
            ViewJsonContext.Default.ErrorResponse,
            cancellationToken: http.RequestAborted);
        return false;
    }

    private bool Matches(string? candidate) =>
        !string.IsNullOrEmpty(candidate) && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(candidate), _token);
}
