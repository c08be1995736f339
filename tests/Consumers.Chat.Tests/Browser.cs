using Microsoft.Playwright;

namespace Consumers.Chat.Tests;

/// <summary>
/// Debian's chromium driven by Playwright (Playwright's own browser download does not work here, so the executable
/// found on PATH is used). A missing chromium fails the test with the command that installs it.
/// </summary>
internal sealed class Browser : IAsyncDisposable
{
    private readonly IPlaywright _playwright;

    private Browser(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Instance = browser;
    }

    public IBrowser Instance { get; }

    public static async Task<Browser> LaunchAsync()
    {
        var executable = FindChromium() ?? throw new AssertionException("chromium not found on PATH: install it with `apt-get install -y chromium`");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,

            // Without these, chromium reaches for Google's services, which this machine's closed network refuses.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        return new Browser(playwright, browser);
    }

    /// <summary>
    /// Signs <paramref name="username"/> up on the sign-up page in a fresh context (its own cookies and storage), then
    /// opens the room page.
    /// </summary>
    public Task<IPage> OpenRoomAsync(ChatApp app, string room, string username) => OpenSignedUpAsync(app.Url, $"/chat/{room}/", username);

    /// <summary>As <see cref="OpenRoomAsync(ChatApp, string, string)"/>, through <paramref name="url"/> (a proxy in front of nodes).</summary>
    public Task<IPage> OpenRoomAsync(string url, string room, string username) => OpenSignedUpAsync(url, $"/chat/{room}/", username);

    /// <summary>
    /// Signs <paramref name="username"/> up in a fresh context, then opens <paramref name="path"/> and waits for its
    /// <c>#state</c> to say connected.
    /// </summary>
    public Task<IPage> OpenSignedUpAsync(ChatApp app, string path, string username) => OpenSignedUpAsync(app.Url, path, username);

    private async Task<IPage> OpenSignedUpAsync(string url, string path, string username)
    {
        var page = await NewPageAsync();
        await SubmitAccountAsync(page, $"{url}/signup.html", username, Password);
        await page.WaitForURLAsync($"{url}/");
        await page.GotoAsync(url + path);
        await WaitConnectedAsync(page);
        return page;
    }

    /// <summary>A page in a fresh context (no cookies).</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Instance.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1100, Height = 700 } });
        return await context.NewPageAsync();
    }

    /// <summary>Fills and submits the sign-up or sign-in form at <paramref name="url"/>.</summary>
    public static async Task SubmitAccountAsync(IPage page, string url, string username, string password)
    {
        if (page.Url != url)
        {
            await page.GotoAsync(url);
        }

        await page.Locator("#username").FillAsync(username);
        await page.Locator("#password").FillAsync(password);
        await page.Locator("#account button[type=submit]").ClickAsync();
    }

    public const string Password = "correct horse";

    public static Task WaitConnectedAsync(IPage page)
        => page.Locator("#state[data-state=connected]").WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });

    public static async Task SendAsync(IPage page, string text)
    {
        await page.Locator("#message").FillAsync(text);
        await page.Locator("#message").PressAsync("Enter");
    }

    public async ValueTask DisposeAsync()
    {
        await Instance.DisposeAsync();
        _playwright.Dispose();
    }

    private static string? FindChromium()
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var name in new[] { "chromium", "chromium-browser" })
            {
                var candidate = Path.Combine(directory, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
