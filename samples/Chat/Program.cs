using Chat;
using Chat.Consumers;
using Chat.Data;
using Microsoft.EntityFrameworkCore;

var builder = WebApplication.CreateSlimBuilder(args);

// Consumers:GroupLayer = InMemory (default) or Nats, with Consumers:Nats:Url: see appsettings.json and build/run-chat.sh --nats.
// AddNatsGroupLayer (package Consumers.Nats) follows Consumers:GroupLayer, and adds the consumers-nats health check.
builder.Services.AddConsumers(builder.Configuration).AddNatsGroupLayer(builder.Configuration);
builder.Services.AddHealthChecks();
builder.Services.AddModelSerializer(new RoomSerializer());

// The database lives in the app's data folder (ConnectionStrings:Chat overrides it), created on first run.
var database = builder.Configuration.GetConnectionString("Chat")
    ?? $"Data Source={Path.Combine(builder.Environment.ContentRootPath, "data", "chat.db")}";
builder.Services.AddDbContext<ChatDb>((services, options) => options.UseSqlite(database).AddModelObservers(services));

var app = builder.Build();
await ChatDatabase.EnsureCreatedAsync(app.Services, database);

app.UseDefaultFiles();
app.UseStaticFiles();
app.MapGet("/chat/{room}/", ChatPages.RoomPage);
app.MapConsumer<RoomConsumer>("/ws/rooms");
app.MapConsumers("/ws", streams => streams.Add<RoomConsumer>("rooms"));
app.MapHealthChecks("/healthz");
app.Run();
