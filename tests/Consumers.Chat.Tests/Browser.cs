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

    /// <summary>Opens the room page as <paramref name="username"/> in a fresh context (its own cookies and storage).</summary>
    public async Task<IPage> OpenRoomAsync(ChatApp app, string room, string username)
    {
        var context = await Instance.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1100, Height = 700 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync($"{app.Url}/chat/{room}/?username={Uri.EscapeDataString(username)}");
        await WaitConnectedAsync(page);
        return page;
    }

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
