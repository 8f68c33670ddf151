using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace CityBrain.Hub.Service.OperatorView;

/// <summary>
/// The view's token check: when tokens are configured (<c>Token</c>, or named <c>Tokens</c>), every request must carry
/// one as <c>Authorization: Bearer</c> or in the <see cref="CookieName"/> cookie; a GET with <c>?token=</c> sets that
/// cookie (HttpOnly, SameSite=Strict, Secure over HTTPS) and redirects to the same URL without the token. The matching
/// token's holder and scope (district, street) become the request's <see cref="Viewer"/>. Applied to endpoints with
/// <see cref="TokenGateExtensions.RequireViewToken"/>.
/// </summary>
public sealed class TokenGate(IOptions<OperatorViewOptions> options)
{
    public const string CookieName = "citybrain_view";

    /// <summary>The holder recorded for the single unnamed <c>Token</c>.</summary>
    public const string DefaultHolder = "operator";

    private readonly (byte[] Secret, Viewer Viewer)[] _tokens = Load(options.Value);

    public bool Enabled => _tokens.Length > 0;

    /// <summary>True when the request may go on; otherwise the response (401 or the cookie redirect) is written.</summary>
    public async ValueTask<bool> AuthorizeAsync(HttpContext http)
    {
        if (_tokens.Length == 0)
        {
            return true;
        }

        var request = http.Request;
        string? bearer = request.Headers.Authorization.ToString() is { Length: > 7 } auth && auth.StartsWith("Bearer ", StringComparison.Ordinal) ? auth[7..].Trim() : null;
        if ((Match(bearer) ?? Match(request.Cookies[CookieName])) is { } viewer)
        {
            viewer.AttachTo(http);
            return true;
        }

        string fromQuery = request.Query["token"].ToString();
        if (HttpMethods.IsGet(request.Method) && Match(fromQuery) is not null)
        {
            http.Response.Cookies.Append(CookieName, fromQuery.Trim(), new CookieOptions
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

    /// <summary>The viewer whose token <paramref name="candidate"/> is; every token is compared (constant time each).</summary>
    private Viewer? Match(string? candidate)
    {
        if (string.IsNullOrEmpty(candidate))
        {
            return null;
        }

        byte[] bytes = Encoding.UTF8.GetBytes(candidate.Trim());
        Viewer? found = null;
        foreach (var (secret, viewer) in _tokens)
        {
            if (CryptographicOperations.FixedTimeEquals(bytes, secret))
            {
                found ??= viewer;
            }
        }

        return found;
    }

    private static (byte[], Viewer)[] Load(OperatorViewOptions options)
    {
        var tokens = new List<(byte[], Viewer)>();
        if (!string.IsNullOrWhiteSpace(options.Token))
        {
            tokens.Add((Encoding.UTF8.GetBytes(options.Token.Trim()), new Viewer(DefaultHolder, null)));
        }

        foreach (var t in options.Tokens)
        {
            if (!string.IsNullOrWhiteSpace(t.Token))
            {
                tokens.Add((Encoding.UTF8.GetBytes(t.Token.Trim()), new Viewer(t.Name, Trimmed(t.District), t.ReadNow, Trimmed(t.Street))));
            }
        }

        return [.. tokens];

        static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }
}
