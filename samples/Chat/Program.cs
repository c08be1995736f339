using System.Data.Common;
using Chat;
using Chat.Accounts;
using Chat.Consumers;
using Chat.Data;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.DataProtection;
using Consumers.Contracts;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

var builder = WebApplication.CreateSlimBuilder(args);

// Consumers:GroupLayer = InMemory (default) or Nats, with Consumers:Nats:Url: see appsettings.json and build/run-chat.sh --nats.
// AddNatsGroupLayer (package Consumers.Nats) follows Consumers:GroupLayer, and adds the consumers-nats health check.
builder.Services.AddConsumers(builder.Configuration).AddNatsGroupLayer(builder.Configuration);
builder.Services.AddHealthChecks();

// Traces and metrics over OTLP, off unless OTEL_EXPORTER_OTLP_ENDPOINT is set (ChatTelemetry).
builder.AddChatTelemetry();
builder.Services.AddModelSerializer(new RoomSerializer());

// The database: a SQLite file in the app's data folder by default, created on first run, or PostgreSQL when
// ConnectionStrings:Chat names a server (Host=...; see ChatStore and build/run-chat.sh --cluster). The keys of sign-in
// cookies and tokens are kept where every node finds them, so that nodes (and restarts) accept each other's: beside
// the SQLite file, or in the PostgreSQL database.
var store = ChatStore.From(builder.Configuration.GetConnectionString("Chat"), builder.Environment.ContentRootPath);
builder.Services.AddSingleton(store);
builder.Services.AddDbContext<ChatDb>((services, options) => store.Use(options).AddModelObservers(services));
var keyRing = builder.Services.AddDataProtection().SetApplicationName("Consumers.Chat");
if (store.DataFolder is { } dataFolder)
{
    Directory.CreateDirectory(dataFolder);
    keyRing.PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(dataFolder, "keys")));
}
else
{
    keyRing.PersistKeysToDbContext<ChatDb>();
}

// Accounts: ASP.NET Core Identity with a cookie for the pages and a bearer token for scripts (see Accounts/).
builder.Services.AddSingleton(services => ChatTokens.Load(builder.Configuration, store, services));
builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
    .Configure<ChatTokens>((o, tokens) => o.TokenValidationParameters = tokens.ValidationParameters());
// Names are looked up (and kept unique) by their look-alike skeleton; Identity's per-account lockout is off, since a
// stranger could trigger it: SignInGuard locks a name per address instead, and AccountLimits limits each address.
builder.Services.AddScoped<ILookupNormalizer, ChatLookupNormalizer>();
builder.Services.AddIdentityCore<IdentityUser>(o =>
    {
        o.User.AllowedUserNameCharacters = "";      // any characters: ChatNames decides
        o.Password.RequiredLength = AccountEndpoints.MinPasswordLength;
        o.Password.RequireDigit = o.Password.RequireLowercase = o.Password.RequireUppercase = o.Password.RequireNonAlphanumeric = false;
        o.Lockout.AllowedForNewUsers = false;
    })
    .AddUserValidator<ChatNameValidator>()
    .AddEntityFrameworkStores<ChatDb>()
    .AddSignInManager();
builder.Services.AddSingleton<SignInGuard>();
builder.Services.AddAccountLimits();
const string CookieOrBearer = "CookieOrBearer";
builder.Services.AddAuthentication(CookieOrBearer)
    .AddPolicyScheme(CookieOrBearer, null, o => o.ForwardDefaultSelector = context =>
        context.Request.Query.ContainsKey("access_token") || context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.Ordinal)
            ? JwtBearerDefaults.AuthenticationScheme
            : IdentityConstants.ApplicationScheme)
    .AddJwtBearer(o =>
    {
        o.MapInboundClaims = false;

        // Browsers cannot set headers on a WebSocket: the token comes as ?access_token= (as with SignalR). A token of a
        // deleted user, or from before a logout, is refused (ChatSessions).
        o.Events = new JwtBearerEvents
        {
            OnTokenValidated = ChatSessions.ValidateTokenAsync,
            OnMessageReceived = context =>
            {
                if (context.Request.Query["access_token"] is { Count: > 0 } token && context.HttpContext.WebSockets.IsWebSocketRequest)
                {
                    context.Token = token;
                }

                return Task.CompletedTask;
            },
        };
    })
    .AddIdentityCookies(cookies => cookies.ApplicationCookie?.Configure(o =>
    {
        o.Cookie.SameSite = SameSiteMode.Strict;
        o.Cookie.Name = "chat.auth";
        o.Events.OnValidatePrincipal = ChatSessions.ValidateCookieAsync;   // revoked by a logout, refused for a deleted user
    }));
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, AccountJson.Default));
builder.Services.AddSingleton<PresenceSweeper>();
builder.Services.AddSingleton<RoomDeletionAudit>();   // the filter around delete (it has a service: resolved from DI)
builder.Services.AddHostedService(services => services.GetRequiredService<PresenceSweeper>());

var app = builder.Build();
await ChatDatabase.EnsureCreatedAsync(app.Services, store);
_ = app.Services.GetRequiredService<ChatTokens>();   // the token key, read (or made) now that the database is there
await NameMigration.RenormalizeAsync(app.Services);

// A node alone on its group layer holds every live connection there is: presence of earlier runs is stale. Nodes
// starting together sweep the same rows (the sweeper sweeps again when another was first); should the database stay
// busy, the node starts all the same and its heartbeat sweeps 15 s later.
var alone = builder.Configuration["Consumers:GroupLayer"] is not "Nats";
try
{
    await app.Services.GetRequiredService<PresenceSweeper>().SweepAsync(alone, CancellationToken.None);
}
catch (Exception ex) when (ex is DbUpdateException or DbException)
{
    app.Logger.LogWarning(ex, "The start-up presence sweep failed; the node starts, and its next heartbeat sweeps again.");
}

app.UseDefaultFiles();
app.UseStaticFiles();
app.UseRateLimiter();
app.MapAccounts();
app.MapGet("/chat/{room}/", ChatPages.RoomPage);
app.MapConsumer<RoomConsumer>("/ws/rooms");
app.MapGet("/channels/{room}/", ChatPages.ChannelsPage);
app.MapConsumer<TutorialConsumer>("/ws/chat/{room_name}");   // the Django Channels tutorial's room: plain JSON
app.MapConsumers("/ws", streams => streams.Add<RoomConsumer>("rooms"));
app.MapConsumersClient();
app.MapAsyncApi(configure: o =>
{
    o.Description = "The chat of the Consumers samples: rooms, presence and messages over DCRF-style frames.";
    o.SecuritySchemes["cookie"] = AsyncApiSecurityScheme.Cookie("chat.auth");
    o.SecuritySchemes["access_token"] = AsyncApiSecurityScheme.QueryToken();
});
app.MapHealthChecks("/healthz");
app.Run();
