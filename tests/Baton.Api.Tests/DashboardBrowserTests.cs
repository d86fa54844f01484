using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Baton.Api.Tests;

/// <summary>
/// The dashboard in real headless Chromium (Debian's, driven by Playwright): each page against a node on Kestrel, the
/// actions clicked and the instance seen to change, live updates arriving without a reload, keyboard navigation, no
/// console errors, and a screenshot of each page saved beside the test binaries (<c>screenshots/</c>).
/// Chromium is installed by <c>./test.sh</c>; without it (a plain <c>dotnet test</c>) these tests skip.
/// </summary>
public sealed class DashboardBrowserTests(DashboardBrowserTests.Browser browser) : IClassFixture<DashboardBrowserTests.Browser>
{
    private const string Mgmt = "/runtime/webhooks/durabletask";
    private static readonly string Screenshots = Path.Combine(AppContext.BaseDirectory, "screenshots");

    [SkippableFact]
    public async Task TheOverview_ShowsCountsSilosAndTheOldestLiveInstance_WithWhatItWaitsOn()
    {
        var http = browser.Node.CreateClient();
        await StartAsync(http, "GreetingChain", "ov-done", new[] { "Rome" });
        await http.GetAsync($"{Mgmt}/instances/ov-done?waitSeconds=30");
        await StartAsync(http, "WaitsForGo", "ov-waiting", "x");
        var page = await browser.OpenAsync("/"); // redirected to /dashboard/

        await page.WaitForSelectorAsync("main[data-ready='/']");
        Assert.EndsWith("/dashboard/", new Uri(page.Url).AbsolutePath);
        Assert.True(int.Parse(await page.InnerTextAsync("[data-status='Completed'] .n"), System.Globalization.NumberStyles.AllowThousands) >= 1);
        var oldest = await page.InnerTextAsync("main table >> nth=0");
        Assert.Contains("ov-waiting", oldest);
        Assert.Contains("event go", oldest);
        var silos = await page.InnerTextAsync("main table >> nth=1");
        Assert.Contains("Active", silos);
        Assert.Contains("default", silos);
        Assert.Equal(2, await page.Locator("main svg").CountAsync()); // throughput and latency
        await browser.FinishAsync(page, "overview");
    }

    [SkippableFact]
    public async Task AnInstance_IsActedOnFromItsPage_AndTheChangesShowWithoutAReload()
    {
        var http = browser.Node.CreateClient();
        await StartAsync(http, "WaitsForGo", "act-1", "in");
        var page = await browser.OpenAsync("/dashboard/#/instance/act-1");
        await page.WaitForSelectorAsync("#waiting-on:has-text('event go')");
        Assert.Contains("event go", await page.TextContentAsync("svg[aria-label='Timeline of the instance\\'s steps']"));
        await page.FillAsync("input[name='queryName']", "waiting");
        await page.ClickAsync("button[data-action='query']");
        await page.WaitForSelectorAsync("#query-answer:has-text('\"waiting\": true')");
        await page.FillAsync("input[name='queryName']", "nope");
        await page.ClickAsync("button[data-action='query']");
        await page.WaitForSelectorAsync("#query-answer:has-text('has declared waiting')");
        await page.FillAsync("input[name='updateName']", "rename");
        await page.FillAsync("input[name='updateInput']", "\"renamed\"");
        await page.ClickAsync("button[data-action='update']");
        await page.WaitForSelectorAsync("#update-answer:has-text('\"in\"')");
        await page.FillAsync("input[name='updateInput']", "\" \"");
        await page.ClickAsync("button[data-action='update']");
        await page.WaitForSelectorAsync("#update-answer:has-text('was rejected')");
        await page.WaitForSelectorAsync("#history:has-text('updateAccepted')");

        await page.ClickAsync("button[data-action='suspend']");
        await page.WaitForSelectorAsync("h1 .status.Suspended");
        await page.ClickAsync("button[data-action='resume']");
        await page.WaitForSelectorAsync("h1 .status.Running");

        await page.FillAsync("input[name='eventName']", "go");
        await page.FillAsync("input[name='eventData']", "\"from the dashboard\"");
        await page.ClickAsync("button[data-action='raise']");
        await page.WaitForSelectorAsync("h1 .status.Completed");
        Assert.Contains("renamed:from the dashboard", await page.InnerTextAsync("main"));
        Assert.Contains("eventRaised", await page.InnerTextAsync("#history"));
        await browser.FinishAsync(page, "instance", 404, 422); // the query it does not have, the update it rejects

        // A change made elsewhere (here over HTTP) reaches an open page through the status events stream.
        await StartAsync(http, "WaitsForGo", "act-2", "in");
        var live = await browser.OpenAsync("/dashboard/#/instance/act-2");
        await live.WaitForSelectorAsync("h1 .status.Running");
        (await http.PostAsJsonAsync($"{Mgmt}/instances/act-2/raiseEvent/go", "elsewhere")).EnsureSuccessStatusCode();
        await live.WaitForSelectorAsync("h1 .status.Completed");
        await browser.FinishAsync(live, null);
    }

    [SkippableFact]
    public async Task AFailedInstance_ShowsItsFailure_AndIsRewoundOrTerminatedFromItsPage_AndACallbackIsCompletedThere()
    {
        var http = browser.Node.CreateClient();
        await StartAsync(http, "FailsFirstTime", "rewind-1", "dash-rewind");
        await http.GetAsync($"{Mgmt}/instances/rewind-1?waitSeconds=30");
        var page = await browser.OpenAsync("/dashboard/#/instance/rewind-1");
        await page.WaitForSelectorAsync("h1 .status.Failed");
        Assert.Contains("first attempt of dash-rewind", await page.InnerTextAsync("#failure"));
        Assert.Contains("at ", await page.InnerTextAsync("#failure pre")); // the stack

        await page.ClickAsync("button[data-action='rewind']");
        await page.WaitForSelectorAsync("h1 .status.Completed");
        Assert.Contains("done dash-rewind", await page.InnerTextAsync("main"));
        await Browser.ScreenshotAsync(page, "instance-rewound");

        page.Dialog += async (_, dialog) => await dialog.AcceptAsync(); // "Purge rewind-1 and its history?"
        await page.ClickAsync("button[data-action='purge']");
        await page.WaitForSelectorAsync("main[data-ready='/instances']");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync($"{Mgmt}/instances/rewind-1")).StatusCode);
        await browser.FinishAsync(page, null);

        await StartAsync(http, "AwaitsCallback", "callback-1", "x");
        var callback = await browser.OpenAsync("/dashboard/#/instance/callback-1");
        await callback.WaitForSelectorAsync("#waiting-on:has-text('callback approval')");
        var token = (await http.GetFromJsonAsync<JsonElement>($"{Mgmt}/instances/callback-1")).GetProperty("customStatus").GetString()!;
        await callback.FillAsync("input[name='token']", token);
        await callback.FillAsync("input[name='callbackData']", "\"approved\"");
        await callback.ClickAsync("text=Complete");
        await callback.WaitForSelectorAsync("h1 .status.Completed");
        await browser.FinishAsync(callback, null);

        await StartAsync(http, "WaitsForGo", "terminate-1", "x");
        var terminate = await browser.OpenAsync("/dashboard/#/instance/terminate-1");
        await terminate.WaitForSelectorAsync("h1 .status.Running");
        await terminate.FillAsync("input[name='reason']", "not needed");
        await terminate.ClickAsync("button[data-action='terminate']");
        await terminate.WaitForSelectorAsync("h1 .status.Terminated");
        Assert.Contains("not needed", await terminate.InnerTextAsync("main"));

        // Restarted under the same id: a new run with the same input, waiting again.
        await terminate.ClickAsync("button[data-action='restart']");
        await terminate.WaitForSelectorAsync("h1 .status.Running");
        await terminate.WaitForSelectorAsync("#waiting-on:has-text('event go')");
        await browser.FinishAsync(terminate, null);
    }

    [SkippableFact]
    public async Task TheInstancesPage_FiltersAndCounts_AndBulkTerminateAndPurgeSayHowManyTheyWillTouch()
    {
        var http = browser.Node.CreateClient();
        for (var i = 0; i < 4; i++)
        {
            await StartAsync(http, "WaitsForGo", $"bulk-{i}", "x");
        }

        var page = await browser.OpenAsync("/dashboard/#/instances");
        await page.WaitForSelectorAsync("main[data-ready='/instances']");
        await page.FillAsync("input[name='prefix']", "bulk-");
        await page.ClickAsync("button:has-text('Apply')");
        await page.WaitForFunctionAsync("() => document.querySelectorAll('main table tbody tr').length === 4");
        Assert.Equal(4, await page.Locator("main table tbody tr:has-text('bulk-')").CountAsync());
        await Browser.ScreenshotAsync(page, "instances");

        await page.ClickAsync("button:has-text('Terminate matching live instances')");
        Assert.Contains("This will terminate 4 instances.", await page.InnerTextAsync("dialog"));
        await page.ClickAsync("dialog button:has-text('Terminate 4')");
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('main table tbody .status')].every(s => s.textContent === 'Terminated')");
        var counts = await http.GetFromJsonAsync<JsonElement>($"{Mgmt}/counts?instanceIdPrefix=bulk-");
        Assert.Equal(4, counts.GetProperty("byStatus").GetProperty("Terminated").GetInt64());

        await page.ClickAsync("button:has-text('Purge matching finished instances')");
        Assert.Contains("This will purge 4 instances.", await page.InnerTextAsync("dialog"));
        await page.ClickAsync("dialog button:has-text('Purge 4')");
        await page.WaitForSelectorAsync("main p:has-text('No instance matches.')");
        counts = await http.GetFromJsonAsync<JsonElement>($"{Mgmt}/counts?instanceIdPrefix=bulk-");
        Assert.Equal(0, counts.GetProperty("total").GetInt64());
        await browser.FinishAsync(page, null);
    }

    [SkippableFact]
    public async Task TheWorkflowsPage_ShowsEachWorkflowsFigures_AndTheKeyboardReachesEveryPage()
    {
        var http = browser.Node.CreateClient();
        await StartAsync(http, "GreetingChain", "wf-1", new[] { "Oslo", "Bergen" });
        await http.GetAsync($"{Mgmt}/instances/wf-1?waitSeconds=30");
        var page = await browser.OpenAsync("/dashboard/#/workflows");
        await page.WaitForSelectorAsync("#workflows");

        var row = await page.InnerTextAsync("#workflows tr:has-text('GreetingChain')");
        Assert.Contains("gpu", await page.InnerTextAsync("#limits tr[data-limit='queue/gpu']"));
        Assert.Matches(@"100\.0%", row);
        Assert.Matches(@"\d+ ms|\d+\.\d s", row);
        await browser.FinishAsync(page, "workflows");

        // The first Tab lands on the skip link, the next ones on the navigation; Enter follows a link.
        var keys = await browser.OpenAsync("/dashboard/#/workflows");
        await keys.WaitForSelectorAsync("#workflows");
        await keys.Keyboard.PressAsync("Tab");
        Assert.Equal("Skip to content", await keys.EvaluateAsync<string>("document.activeElement.textContent"));
        await keys.Keyboard.PressAsync("Tab");
        await keys.Keyboard.PressAsync("Tab");
        Assert.Equal("Instances", await keys.EvaluateAsync<string>("document.activeElement.textContent"));
        await keys.Keyboard.PressAsync("Enter");
        await keys.WaitForSelectorAsync("main[data-ready='/instances']");
        await browser.FinishAsync(keys, null);
    }

    [SkippableFact]
    public async Task WithAccessControlOn_ThePageAsksForAKey_AReaderSeesButCannotAct_AndAnOperatorCan()
    {
        await using var node = new KestrelBatonApiFactory(SecuredApiFactory.AccessSettings);
        var operatorHttp = node.CreateClient();
        operatorHttp.DefaultRequestHeaders.Add("X-Api-Key", SecuredApiFactory.OperatorKey);
        await StartAsync(operatorHttp, "WaitsForGo", "secured-1", "x");

        var page = await browser.OpenAsync(new Uri(node.Address, "/dashboard/#/instance/secured-1").ToString());
        await page.WaitForSelectorAsync("#key-form");
        Assert.DoesNotContain("secured-1", await page.InnerTextAsync("main"));
        await page.FillAsync("#api-key", SecuredApiFactory.ReaderKey);
        await page.ClickAsync("#key-form button");
        await page.WaitForSelectorAsync("h1 .status.Running");

        await page.ClickAsync("button[data-action='terminate']");
        await page.WaitForSelectorAsync("#toast:has-text('forbidden')");
        Assert.Equal("Running", (await operatorHttp.GetFromJsonAsync<JsonElement>($"{Mgmt}/instances/secured-1")).GetProperty("runtimeStatus").GetString());
        await browser.FinishAsync(page, "signed-in-as-reader", 401, 403);

        var asOperator = await browser.OpenAsync(new Uri(node.Address, "/dashboard/#/instance/secured-1").ToString());
        await asOperator.WaitForSelectorAsync("#key-form");
        await asOperator.FillAsync("#api-key", SecuredApiFactory.OperatorKey);
        await asOperator.ClickAsync("#key-form button");
        await asOperator.WaitForSelectorAsync("h1 .status.Running");
        await asOperator.ClickAsync("button[data-action='terminate']");
        await asOperator.WaitForSelectorAsync("h1 .status.Terminated");
        await browser.FinishAsync(asOperator, null, 401);
    }

    [SkippableFact]
    public async Task TheSchedulesPage_ListsSchedules_AndRunsPausesAndDeletesThem()
    {
        var http = browser.Node.CreateClient();
        (await http.PostAsJsonAsync("/api/schedules", new { scheduleId = "dash-nightly", spec = new { workflow = "GreetingChain", input = new[] { "Nara" }, cron = "0 3 * * *", timeZone = "Asia/Tokyo" } })).EnsureSuccessStatusCode();
        var page = await browser.OpenAsync("/dashboard/#/schedules");
        await page.WaitForSelectorAsync("tr[data-schedule='dash-nightly']");
        Assert.Contains("cron 0 3 * * * (Asia/Tokyo)", await page.InnerTextAsync("tr[data-schedule='dash-nightly']"));

        await page.ClickAsync("tr[data-schedule='dash-nightly'] button[data-action='trigger']");
        await page.WaitForSelectorAsync("tr[data-schedule='dash-nightly'] td.started:text-is('1')");
        await page.ClickAsync("tr[data-schedule='dash-nightly'] button[data-action='pause']");
        await page.WaitForSelectorAsync("tr[data-schedule='dash-nightly'] td.next:text-is('paused')");
        await Browser.ScreenshotAsync(page, "schedules");

        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        await page.ClickAsync("tr[data-schedule='dash-nightly'] button[data-action='delete']");
        await page.WaitForSelectorAsync("tr[data-schedule='dash-nightly']", new() { State = WaitForSelectorState.Detached });
        await browser.FinishAsync(page, null);
    }

    [SkippableFact]
    public async Task ANamespace_IsPickedInTheHeader_AndTheViewsAndActionsWorkInIt()
    {
        var http = browser.Node.CreateClient();
        (await http.PostAsJsonAsync("/api/workflows/WaitsForGo?instanceId=ns-dash&taskHub=lab", "x")).EnsureSuccessStatusCode();
        var page = await browser.OpenAsync("/dashboard/#/instances");
        await page.WaitForSelectorAsync("main[data-ready='/instances']");
        await page.WaitForSelectorAsync("#namespace");
        Assert.DoesNotContain("ns-dash", await page.InnerTextAsync("main"));

        await page.SelectOptionAsync("#namespace", "lab"); // the page reloads in the namespace
        await page.WaitForSelectorAsync("main[data-ready='/instances'] a:has-text('ns-dash')");
        await page.ClickAsync("main a:has-text('ns-dash')");
        await page.WaitForSelectorAsync("h1 .status.Running");
        await page.FillAsync("input[name='eventName']", "go");
        await page.FillAsync("input[name='eventData']", "\"lab\"");
        await page.ClickAsync("button[data-action='raise']");
        await page.WaitForSelectorAsync("h1 .status.Completed");
        Assert.Equal("lab", await page.InputValueAsync("#namespace"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync($"{Mgmt}/instances/ns-dash")).StatusCode);
        await browser.FinishAsync(page, "namespace");
    }

    private static async Task StartAsync(HttpClient http, string workflow, string id, object input) =>
        (await http.PostAsJsonAsync($"/api/workflows/{workflow}?instanceId={id}", input)).EnsureSuccessStatusCode();

    /// <summary>A node on Kestrel and one headless Chromium for the class.</summary>
    public sealed class Browser : IAsyncLifetime
    {
        private IPlaywright? _playwright;
        private IBrowser? _browser;
        private readonly Dictionary<IPage, List<string>> _errors = [];

        // With a namespace beside the default one, for the picker's test (the other pages work in the default namespace), and a limit to show.
        public KestrelBatonApiFactory Node { get; } = new(new Dictionary<string, string>
        {
            ["Baton:Namespaces:lab:Workflows:0"] = "WaitsForGo",
            ["Baton:QueueLimits:gpu:MaxConcurrent"] = "4",
        });

        public static string? ChromiumPath =>
            Environment.GetEnvironmentVariable("BATON_CHROMIUM") is { Length: > 0 } path ? path
            : File.Exists("/usr/bin/chromium") ? "/usr/bin/chromium"
            : null;

        public async Task InitializeAsync()
        {
            if (ChromiumPath is null)
            {
                return;
            }

            _playwright = await Playwright.CreateAsync();
            _browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = ChromiumPath, Headless = true, Args = ["--no-sandbox"] });
        }

        /// <summary>A new page at <paramref name="path"/> (on <see cref="Node"/>, or an absolute URL), recording console errors and page errors.</summary>
        public async Task<IPage> OpenAsync(string path)
        {
            Skip.If(_browser is null, "Chromium is not installed (./test.sh installs it; BATON_CHROMIUM names another).");
            var page = await _browser!.NewPageAsync(new() { ViewportSize = new() { Width = 1300, Height = 1000 } });
            page.SetDefaultTimeout(30_000);
            var errors = new List<string>();
            lock (_errors)
            {
                _errors[page] = errors;
            }

            page.Console += (_, message) =>
            {
                if (message.Type == "error")
                {
                    lock (errors)
                    {
                        errors.Add(message.Text);
                    }
                }
            };
            page.PageError += (_, error) =>
            {
                lock (errors)
                {
                    errors.Add(error);
                }
            };
            await page.GotoAsync(path.StartsWith("http", StringComparison.Ordinal) ? path : new Uri(Node.Address, path).ToString());
            return page;
        }

        /// <summary>Saves the page's screenshot as <c>screenshots/{name}.png</c>.</summary>
        public static async Task ScreenshotAsync(IPage page, string name)
        {
            Directory.CreateDirectory(Screenshots);
            await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });
        }

        /// <summary>
        /// Saves the page's screenshot (when named), checks it logged no error, and closes it. The browser logs each answer
        /// the page was refused as an error of its own: <paramref name="expected"/> lists the statuses a test caused on purpose
        /// (401 and 403 where access control is on, 404 for a query the workflow does not have).
        /// </summary>
        public async Task FinishAsync(IPage page, string? screenshot, params int[] expected)
        {
            if (screenshot is not null)
            {
                await ScreenshotAsync(page, screenshot);
            }

            await page.CloseAsync();
            List<string> errors;
            lock (_errors)
            {
                _errors.Remove(page, out errors!);
            }

            lock (errors)
            {
                var unexpected = errors.Where(e => !expected.Any(status => e.Contains($"status of {status} ", StringComparison.Ordinal))).ToList();
                Assert.True(unexpected.Count == 0, "console errors:\n" + string.Join("\n", unexpected));
            }
        }

        public async Task DisposeAsync()
        {
            if (_browser is not null)
            {
                await _browser.DisposeAsync();
            }

            _playwright?.Dispose();
            await Node.DisposeAsync();
        }
    }
}
