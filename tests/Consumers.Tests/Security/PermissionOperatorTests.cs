using Consumers.Security;

namespace Consumers.Tests.Security;

/// <summary>DRF's composed permissions: &amp;, | and ! (AND, OR, NOT), including object permissions.</summary>
[TestFixture]
public sealed class PermissionOperatorTests
{
    // The operands below never look at the context.
    private static readonly PermissionContext s_context = new(null!, "act", CancellationToken.None);

    private sealed class Fixed(bool request, bool instance = true, bool connect = true) : BasePermission
    {
        public int Asked { get; private set; }

        public override ValueTask<bool> HasPermissionAsync(PermissionContext context)
        {
            Asked++;
            return ValueTask.FromResult(request);
        }

        public override ValueTask<bool> HasObjectPermissionAsync(PermissionContext context, object obj) => ValueTask.FromResult(instance);

        public override ValueTask<bool> CanConnectAsync(PermissionContext context) => ValueTask.FromResult(connect);
    }

    [TestCase(true, true, true)]
    [TestCase(true, false, false)]
    [TestCase(false, true, false)]
    public async Task And_AllowsOnlyWhenBothAllow(bool left, bool right, bool expected)
        => Assert.That(await (new Fixed(left) & new Fixed(right)).HasPermissionAsync(s_context), Is.EqualTo(expected));

    [TestCase(false, false, false)]
    [TestCase(true, false, true)]
    [TestCase(false, true, true)]
    public async Task Or_AllowsWhenEitherAllows(bool left, bool right, bool expected)
        => Assert.That(await (new Fixed(left) | new Fixed(right)).HasPermissionAsync(s_context), Is.EqualTo(expected));

    [TestCase(true, false)]
    [TestCase(false, true)]
    public async Task Not_InvertsTheRequestCheck(bool operand, bool expected)
        => Assert.That(await (!new Fixed(operand)).HasPermissionAsync(s_context), Is.EqualTo(expected));

    [Test]
    public async Task Not_InvertsTheConnectCheck_AsDcrfDoes()
        => Assert.That(await (!new Fixed(true, connect: true)).CanConnectAsync(s_context), Is.False);

    [Test]
    public async Task And_StopsAtTheFirstDenial()
    {
        var right = new Fixed(true);
        await (new Fixed(false) & right).HasPermissionAsync(s_context);
        Assert.That(right.Asked, Is.Zero);
    }

    [Test]
    public async Task Or_ObjectPermission_CountsOnlyAnOperandThatAllowedTheRequest()
    {
        // Denies the request but would allow the object: must not open the object through OR (DRF 3.14's fix).
        var permission = new Fixed(false, instance: true) | new Fixed(true, instance: false);
        Assert.That(await permission.HasObjectPermissionAsync(s_context, new object()), Is.False);
    }

    [Test]
    public async Task AllowAny_AllowsEverything()
    {
        var allowAny = new AllowAny();
        Assert.Multiple(async () =>
        {
            Assert.That(await allowAny.HasPermissionAsync(s_context), Is.True);
            Assert.That(await allowAny.HasObjectPermissionAsync(s_context, new object()), Is.True);
            Assert.That(await allowAny.CanConnectAsync(s_context), Is.True);
        });
    }

    [Test]
    public async Task EmptyAnd_Allows_AndEmptyOr_Denies()
    {
        Assert.That(await new AndPermission().HasPermissionAsync(s_context), Is.True);
        Assert.That(await new OrPermission().HasPermissionAsync(s_context), Is.False);
    }
}
