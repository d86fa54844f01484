using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Baton.History;
using Baton.Serialization;

namespace Baton.Client;

/// <summary>
/// <see cref="IWorkflowClient"/> over a Baton node's HTTP API: the same operations and the same typed exceptions as the
/// in-process client, rebuilt from the node's problem details. Waiting for completion long-polls the status route.
/// </summary>
public sealed class HttpWorkflowClient : IWorkflowClient
{
    private const string Prefix = "runtime/webhooks/durabletask/";
    private readonly HttpClient _http;
    private readonly BatonClientOptions _options;

    // The namespace every request works in, as the task hub the node's management URIs name; null for the default one.
    private readonly string? _hubQuery;

    /// <summary>Creates a client on <paramref name="http"/>, setting its base address and credentials from <paramref name="options"/>.</summary>
    /// <param name="http">The HTTP client (from <c>IHttpClientFactory</c> or your own).</param>
    /// <param name="options">The node's address and credentials.</param>
    /// <exception cref="InvalidOperationException">An option is invalid.</exception>
    public HttpWorkflowClient(HttpClient http, BatonClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _http = http;
        _options = options;
        _hubQuery = options.Namespace is { } space ? "taskHub=" + Uri.EscapeDataString(WorkflowNamespaces.Normalize(space)) : null;
        _http.BaseAddress = options.BaseAddress!.AbsoluteUri.EndsWith('/') ? options.BaseAddress : new Uri(options.BaseAddress.AbsoluteUri + "/");

        // Long polls hold a request for up to LongPollInterval; each request's own limit must outlast that.
        if (_http.Timeout != Timeout.InfiniteTimeSpan && _http.Timeout < options.LongPollInterval + TimeSpan.FromSeconds(30))
        {
            _http.Timeout = options.LongPollInterval + TimeSpan.FromSeconds(30);
        }

        if (options.ApiKey is { } key)
        {
            _http.DefaultRequestHeaders.Add("X-Api-Key", key);
        }

        if (options.BearerToken is { } token)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    /// <inheritdoc />
    public async Task<string> StartAsync(string workflowName, object? input = null, StartWorkflowOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(workflowName);
        options ??= new StartWorkflowOptions();
        var path = $"{Prefix}orchestrators/{Escape(workflowName)}" + (options.InstanceId is { } id ? "/" + Escape(id) : "")
            + options.IfExists switch
            {
                InstanceIdReusePolicy.ReturnExisting => "?ifExists=returnExisting",
                InstanceIdReusePolicy.Fail => "?ifExists=fail",
                _ => "?ifExists=recreateIfFinished",
            };
        using var response = await SendAsync(HttpMethod.Post, path, Body(input), cancellationToken).ConfigureAwait(false);
        return (await ReadJsonAsync(response, cancellationToken).ConfigureAwait(false)).GetProperty("id").GetString()!;
    }

    /// <inheritdoc />
    public async Task<string?> QueryAsync(string instanceId, string queryName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        ArgumentException.ThrowIfNullOrWhiteSpace(queryName);
        using var response = await SendAsync(HttpMethod.Get, $"{Prefix}instances/{Escape(instanceId)}/query/{Escape(queryName)}", null, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<string?> UpdateAsync(string instanceId, string updateName, object? input = null, UpdateOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        EventNames.Validate(updateName, "update name");
        var updateId = options?.UpdateId ?? Guid.NewGuid().ToString("N");
        EventNames.Validate(updateId, "update id");
        var path = $"{Prefix}instances/{Escape(instanceId)}/update/{Escape(updateName)}?updateId={Uri.EscapeDataString(updateId)}";
        while (true)
        {
            // 202: the handler still runs; the same request (same update id) waits for the same update.
            using var response = await SendAsync(HttpMethod.Post, path, Body(input), cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != System.Net.HttpStatusCode.Accepted)
            {
                return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public async Task<WorkflowStatus?> GetStatusAsync(string instanceId, bool includeHistory = false, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        WorkflowStatus status;
        try
        {
            status = await ReadStatusAsync($"{Prefix}instances/{Escape(instanceId)}?showHistory=false", cancellationToken).ConfigureAwait(false);
        }
        catch (InstanceNotFoundException)
        {
            return null;
        }

        if (!includeHistory)
        {
            return status;
        }

        // A status inlines only the first page of a history; the whole of it is read page by page.
        var history = new List<HistoryEvent>();
        string? token = null;
        do
        {
            var page = await GetHistoryAsync(instanceId, token, 10_000, cancellationToken).ConfigureAwait(false);
            history.AddRange(page.Events);
            token = page.ContinuationToken;
        }
        while (token is not null);

        return status with { History = history };
    }

    /// <inheritdoc />
    public async Task<HistoryPage> GetHistoryAsync(string instanceId, string? continuationToken = null, int pageSize = 1000, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{Prefix}instances/{Escape(instanceId)}/history?top={pageSize.ToString(CultureInfo.InvariantCulture)}");
        if (continuationToken is not null)
        {
            request.Headers.Add("x-ms-continuation-token", continuationToken);
        }

        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        var events = (await ReadJsonAsync(response, cancellationToken).ConfigureAwait(false)).Deserialize<List<HistoryEvent>>(BatonJson.Options) ?? [];
        var next = response.Headers.TryGetValues("x-ms-continuation-token", out var values) ? values.FirstOrDefault() : null;
        return new HistoryPage(events, next);
    }

    /// <inheritdoc />
    public async Task<WorkflowStatus> WaitForCompletionAsync(string instanceId, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        var deadline = timeout is { } limit ? DateTime.UtcNow + limit : DateTime.MaxValue;
        while (true)
        {
            var remaining = deadline - DateTime.UtcNow;
            var wait = remaining < _options.LongPollInterval ? remaining : _options.LongPollInterval;
            var status = await ReadStatusAsync(
                $"{Prefix}instances/{Escape(instanceId)}?showInput=false&waitSeconds={Math.Max(wait.TotalSeconds, 0).ToString("0.###", CultureInfo.InvariantCulture)}",
                cancellationToken).ConfigureAwait(false);
            if (status.RuntimeStatus.IsTerminal())
            {
                return status;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"Instance '{instanceId}' did not finish within {timeout}.");
            }
        }
    }

    /// <inheritdoc />
    public async Task<WorkflowPage> ListAsync(WorkflowQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{Prefix}instances?showInput=true&top={query.PageSize}{Filters(query)}");
        if (query.ContinuationToken is { } token)
        {
            request.Headers.Add("x-ms-continuation-token", token);
        }

        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        var items = (await ReadJsonAsync(response, cancellationToken).ConfigureAwait(false)).EnumerateArray().Select(StatusReader.Read).ToList();
        var next = response.Headers.TryGetValues("x-ms-continuation-token", out var values) ? values.FirstOrDefault() : null;
        return new WorkflowPage(items, next);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<WorkflowRuntimeStatus, long>> CountByStatusAsync(WorkflowQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        using var response = await SendAsync(HttpMethod.Get, $"{Prefix}counts?{Filters(query).TrimStart('&')}", null, cancellationToken).ConfigureAwait(false);
        var counts = (await ReadJsonAsync(response, cancellationToken).ConfigureAwait(false)).GetProperty("byStatus");
        return counts.EnumerateObject().ToDictionary(c => Enum.Parse<WorkflowRuntimeStatus>(c.Name), c => c.Value.GetInt64());
    }

    /// <inheritdoc />
    public Task RaiseEventAsync(string instanceId, string eventName, object? data = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        return PostAsync($"{Prefix}instances/{Escape(instanceId)}/raiseEvent/{Escape(eventName)}", Body(data), cancellationToken);
    }

    /// <inheritdoc />
    public Task CompleteCallbackAsync(string token, object? result = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        return PostAsync($"{Prefix}callbacks/{Escape(token)}/complete", Body(result), cancellationToken);
    }

    /// <inheritdoc />
    public Task FailCallbackAsync(string token, string errorMessage, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        ArgumentException.ThrowIfNullOrEmpty(errorMessage);
        return PostAsync($"{Prefix}callbacks/{Escape(token)}/fail", Body(new { error = errorMessage }), cancellationToken);
    }

    /// <inheritdoc />
    public Task HeartbeatCallbackAsync(string token, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        return PostAsync($"{Prefix}callbacks/{Escape(token)}/heartbeat", null, cancellationToken);
    }

    /// <inheritdoc />
    public Task TerminateAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default) =>
        ControlAsync(instanceId, "terminate", reason, cancellationToken);

    /// <inheritdoc />
    public Task SuspendAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default) =>
        ControlAsync(instanceId, "suspend", reason, cancellationToken);

    /// <inheritdoc />
    public Task ResumeAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default) =>
        ControlAsync(instanceId, "resume", reason, cancellationToken);

    /// <inheritdoc />
    public Task RewindAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default) =>
        ControlAsync(instanceId, "rewind", reason, cancellationToken);

    /// <inheritdoc />
    public async Task<string> RestartAsync(string instanceId, bool newInstanceId = false, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        using var response = await SendAsync(HttpMethod.Post, $"{Prefix}instances/{Escape(instanceId)}/restart?restartWithNewInstanceId={Flag(newInstanceId)}", null, cancellationToken)
            .ConfigureAwait(false);
        return (await ReadJsonAsync(response, cancellationToken).ConfigureAwait(false)).GetProperty("id").GetString()!;
    }

    /// <inheritdoc />
    public async Task PurgeAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        using var response = await SendAsync(HttpMethod.Delete, $"{Prefix}instances/{Escape(instanceId)}", null, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<int> PurgeAsync(PurgeQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var path = $"{Prefix}instances?{Filters(query.Name, query.Statuses, query.CreatedFrom, query.CreatedTo, query.InstanceIdPrefix).TrimStart('&')}";
        using var response = await SendAsync(HttpMethod.Delete, path, null, cancellationToken).ConfigureAwait(false);
        return (await ReadJsonAsync(response, cancellationToken).ConfigureAwait(false)).GetProperty("instancesDeleted").GetInt32();
    }

    private async Task ControlAsync(string instanceId, string operation, string? reason, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        await PostAsync($"{Prefix}instances/{Escape(instanceId)}/{operation}" + (reason is null ? "" : "?reason=" + Escape(reason)), null, cancellationToken).ConfigureAwait(false);
    }

    private async Task PostAsync(string path, HttpContent? body, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Post, path, body, cancellationToken).ConfigureAwait(false);
    }

    private async Task<WorkflowStatus> ReadStatusAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
        return StatusReader.Read(await ReadJsonAsync(response, cancellationToken).ConfigureAwait(false));
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? body, CancellationToken cancellationToken) =>
        SendAsync(new HttpRequestMessage(method, path) { Content = body }, cancellationToken);

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            if (_hubQuery is not null)
            {
                var path = request.RequestUri!.OriginalString;
                request.RequestUri = new Uri(path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + _hubQuery, UriKind.RelativeOrAbsolute);
            }

            var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return response;
            }

            using (response)
            {
                throw await ProblemMapper.ToExceptionAsync(response, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        return await JsonSerializer.DeserializeAsync<JsonElement>(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private static StringContent? Body(object? value) =>
        BatonJson.Serialize(value) is { } json ? new StringContent(json, Encoding.UTF8, "application/json") : null;

    private static string Filters(WorkflowQuery query) =>
        Filters(query.Name, query.Statuses, query.CreatedFrom, query.CreatedTo, query.InstanceIdPrefix)
        + (query.CustomStatus is { } custom ? "&customStatus=" + Escape(custom) : "")
        + (query.Version is { } version ? "&version=" + version.ToString(CultureInfo.InvariantCulture) : "")
        + (query.OldestFirst ? "&orderBy=" + Escape("createdTime asc") : "");

    private static string Filters(string? name, IReadOnlyCollection<WorkflowRuntimeStatus>? statuses, DateTime? from, DateTime? to, string? prefix)
    {
        var query = new StringBuilder();
        void Add(string key, string? value)
        {
            if (value is not null)
            {
                query.Append('&').Append(key).Append('=').Append(Escape(value));
            }
        }

        Add("name", name);
        Add("runtimeStatus", statuses is { Count: > 0 } ? string.Join(",", statuses) : null);
        Add("createdTimeFrom", from?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
        Add("createdTimeTo", to?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
        Add("instanceIdPrefix", prefix);
        return query.ToString();
    }

    private static string Escape(string value) => Uri.EscapeDataString(value);

    private static string Flag(bool value) => value ? "true" : "false";
}
