namespace Baton.Api.Http;

/// <summary>
/// Kestrel decodes a path segment except for <c>%2F</c>, which it leaves as those three characters so that the path keeps
/// its shape. An instance id sent with an encoded '/' would therefore reach a route as a different, literal id (a purge
/// of <c>x%2Fy</c> instead of <c>x/y</c>). The guard reads it as the '/' it stands for, which instance ids may not hold,
/// so the request is refused with the id rules' own 400 before any route runs.
/// </summary>
internal static class EncodedSlashGuard
{
    public static WebApplication UseEncodedSlashGuard(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            if (context.GetRouteValue("instanceId") is string id && id.Contains("%2F", StringComparison.OrdinalIgnoreCase))
            {
                InstanceIds.Validate(id.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase));
            }

            return next(context);
        });
        return app;
    }
}
