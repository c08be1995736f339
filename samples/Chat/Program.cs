using Chat;
using Chat.Consumers;
using Chat.Data;
using Microsoft.EntityFrameworkCore;

var builder = WebApplication.CreateSlimBuilder(args);

// Consumers:GroupLayer = InMemory (default) or Nats, with Consumers:Nats:Url: see appsettings.json and build/run-chat.sh --nats.
builder.Services.AddConsumers(builder.Configuration);
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
app.MapConsumersClient();
app.MapAsyncApi(configure: o => o.Description = "The chat of the Consumers samples: rooms, presence and messages over DCRF-style frames.");
app.Run();
