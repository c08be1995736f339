using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;

namespace Consumers.EntityFrameworkCore;

/// <summary>
/// Detaches a query's roots (<c>DbSet</c>s) from the context that built them, so that the query can run on another
/// context of the same type: EF Core refuses a query that mixes context instances. A query that reaches its context
/// in any other way (a captured <c>DbSet</c> or context in a subquery, which EF Core would evaluate on that context) is
/// refused: <see cref="Detach"/> returns null.
/// </summary>
internal sealed class QueryRootDetacher : ExpressionVisitor
{
    private bool _reachesContext;

    /// <summary>The expression with detached roots, or null when it reaches a context otherwise.</summary>
    /// <param name="expression">A query's expression.</param>
    public static Expression? Detach(Expression expression)
    {
        var detacher = new QueryRootDetacher();
        var detached = detacher.Visit(expression);
        return detacher._reachesContext ? null : detached;
    }

    protected override Expression VisitExtension(Expression node)
        => node is QueryRootExpression { QueryProvider: not null } root ? root.DetachQueryProvider() : base.VisitExtension(node);

    protected override Expression VisitMember(MemberExpression node)
    {
        _reachesContext |= ReachesContext(node.Type);
        return base.VisitMember(node);
    }

    protected override Expression VisitConstant(ConstantExpression node)
    {
        _reachesContext |= ReachesContext(node.Type) || node.Value is DbContext or IQueryable;
        return base.VisitConstant(node);
    }

    private static bool ReachesContext(Type type) => typeof(DbContext).IsAssignableFrom(type) || typeof(IQueryable).IsAssignableFrom(type);
}
