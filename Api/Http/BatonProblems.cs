using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;

namespace Baton.Api.Http;

/// <summary>
/// Turns the exceptions the client API throws into RFC 7807 problem details, in one place, so that routes just call the
/// client. Each problem carries <c>errorCode</c> (the exception's type name) and the exception's fields, from which the .NET
/// client rebuilds the same typed exception.
/// </summary>
internal sealed class BatonProblems(IProblemDetailsService problems) : IExceptionHandler
{
    /// <summary>The problem details extension naming the exception type.</summary>
    public const string ErrorCode = "errorCode";

    // Operations that need a live instance: on a finished one, the instance is gone for them (410).
    private static readonly HashSet<string> LiveOnlyOperations = ["raise an event", "terminate", "suspend", "resume", "send an update"];

    // Operations whose precondition is the instance's status, which Durable Functions answers 412 when it does not hold.
    private static readonly HashSet<string> PreconditionOperations = ["rewind", "purge"];

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (For(exception) is not { } problem)
        {
            return false;
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            // A silo this front end reached the cluster through went away; the client finds another within moments.
            httpContext.Response.Headers.RetryAfter = "1";
        }

        if (WantsText(httpContext))
        {
            httpContext.Response.Headers[ErrorCodeHeader] = (string?)problem.Extensions[ErrorCode];
            httpContext.Response.ContentType = "text/plain; charset=utf-8";
            await httpContext.Response.WriteAsync(problem.Detail ?? problem.Title ?? "", cancellationToken);
            return true;
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    /// <summary>The header that carries the <c>errorCode</c> of an error answered as text.</summary>
    public const string ErrorCodeHeader = "X-Baton-Error-Code";

    /// <summary>
    /// Marks a route whose refusals are answered as text to a caller that accepts text/plain without asking for problem
    /// details: the rewind route, whose refused answer the Durable Functions clients make their error's message as it is
    /// (so problem details would read "[object Object]"). Every other caller, and every other route, gets problem details.
    /// </summary>
    public sealed class TextForDurableClients;

    private static bool WantsText(HttpContext context)
    {
        // The exception handler runs with the endpoint cleared; the feature keeps the one that threw.
        var endpoint = context.Features.Get<IExceptionHandlerFeature>()?.Endpoint ?? context.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<TextForDurableClients>() is null)
        {
            return false;
        }

        var accept = context.Request.GetTypedHeaders().Accept;
        return accept.Any(a => a.MediaType.Equals("text/plain", StringComparison.OrdinalIgnoreCase))
            && !accept.Any(a => a.MediaType.Equals("application/problem+json", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The problem for an exception the API knows, or null for an unexpected one (a 500).</summary>
    public static ProblemDetails? For(Exception exception)
    {
        var problem = exception switch
        {
            InstanceNotFoundException e => Problem(404, "Unknown instance.", e, ("instanceId", e.InstanceId)),
            WorkflowNotRegisteredException e => Problem(404, "Unknown workflow.", e, ("workflowName", e.WorkflowName)),
            NamespaceNotFoundException e => Problem(404, "Unknown namespace.", e, ("namespace", e.Namespace)),
            Access.NamespaceAccessDeniedException e => Problem(403, "Namespace not allowed.", e, ("namespace", e.Namespace)),
            InstanceAlreadyExistsException e => Problem(409, "Instance id already in use.", e, ("instanceId", e.InstanceId)),
            InvalidInstanceStateException e => Problem(
                e.Status.IsTerminal() && LiveOnlyOperations.Contains(e.Operation) ? 410 : PreconditionOperations.Contains(e.Operation) ? 412 : 409,
                e.Status.IsTerminal() && LiveOnlyOperations.Contains(e.Operation) ? "Instance finished." : "Instance in the wrong state.",
                e, ("instanceId", e.InstanceId), ("instanceStatus", e.Status.ToString()), ("operation", e.Operation), ("rule", e.Rule)),
            InvalidWorkflowInputException e => Problem(400, "Invalid input.", e,
                ("workflowName", e.WorkflowName), ("expectedType", e.ExpectedTypeName), ("reason", e.Reason), ("errors", e.Errors)),
            InvalidInstanceIdException e => Problem(400, "Invalid instance id.", e, ("instanceId", e.InstanceId), ("reason", e.Reason)),
            InvalidCallbackTokenException e => Problem(403, "Invalid callback token.", e, ("reason", e.Reason)),
            CallbackNotPendingException e => Problem(410, "Callback no longer waiting.", e, ("instanceId", e.InstanceId)),
            QueryNotFoundException e => Problem(404, "Unknown query.", e, ("instanceId", e.InstanceId), ("queryName", e.QueryName), ("declared", e.Declared)),
            QueryFailedException e => Problem(422, "Query failed.", e, ("instanceId", e.InstanceId), ("queryName", e.QueryName), ("reason", e.Reason)),
            UpdateNotFoundException e => Problem(404, "Unknown update.", e, ("instanceId", e.InstanceId), ("updateName", e.UpdateName), ("declared", e.Declared)),
            UpdateRejectedException e => Problem(422, "Update rejected.", e, ("instanceId", e.InstanceId), ("updateName", e.UpdateName), ("reason", e.Reason)),
            UpdateFailedException e => Problem(422, "Update failed.", e, ("instanceId", e.InstanceId), ("updateId", e.UpdateId), ("failure", e.Failure)),
            PayloadTooLargeException e => Problem(413, "Payload too large.", e, ("what", e.What), ("bytes", e.Bytes), ("limit", e.Limit)),
            RequestBodyException e => Problem(e.StatusCode, e.Title, e, ("bytes", e.Bytes), ("limit", e.Limit)),
            BadHttpRequestException { StatusCode: 413 } e => Problem(413, "Payload too large.", e),
            BadHttpRequestException e => Problem(e.StatusCode, "Bad request.", e),
            ArgumentException e => Problem(400, "Invalid request.", e),
            SiloUnavailableException or OrleansMessageRejectionException or ConnectionFailedException or GatewayTooBusyException =>
                Problem(503, "The cluster is changing; retry.", exception),
            // Unhandled by a route, a timeout is a call into the cluster that got no answer (a silo died holding it).
            TimeoutException => Problem(503, "The cluster did not answer in time; the request may or may not have taken effect, so retry it idempotently.", exception),
            _ => null,
        };
        return problem;
    }

    /// <summary>The errorCode of a problem the framework reports by status alone.</summary>
    public static string CodeFor(int status) => status switch
    {
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        406 => "NotAcceptable",
        413 => "RequestTooLarge",
        412 => "PreconditionFailed",
        415 => "UnsupportedMediaType",
        501 => "NotImplemented",
        503 => "Unavailable",
        _ when status >= 500 => "ServerError",
        _ => "Error",
    };

    private static ProblemDetails Problem(int status, string title, Exception exception, params (string Key, object? Value)[] fields)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = exception.Message };
        problem.Extensions[ErrorCode] = exception switch
        {
            RequestBodyException { StatusCode: 413 } or BadHttpRequestException { StatusCode: 413 } => "RequestTooLarge",
            RequestBodyException { StatusCode: 415 } => "UnsupportedMediaType",
            RequestBodyException => "MalformedJson",
            BadHttpRequestException => "BadRequest",
            ArgumentException => "InvalidArgument",
            SiloUnavailableException or OrleansMessageRejectionException or ConnectionFailedException or GatewayTooBusyException or TimeoutException => "Unavailable",
            _ => exception.GetType().Name,
        };
        foreach (var (key, value) in fields)
        {
            problem.Extensions[key] = value;
        }

        return problem;
    }
}
