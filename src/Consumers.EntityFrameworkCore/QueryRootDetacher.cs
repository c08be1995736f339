using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore.Query;

namespace Consumers.EntityFrameworkCore;

/// <summary>
/// Detaches a query's roots (<c>DbSet</c>s) from the context that built them, so that the query can run on another
/// context of the same type: EF Core refuses a query that mixes context instances.
/// </summary>
internal sealed class QueryRootDetacher : ExpressionVisitor
{
    protected override Expression VisitExtension(Expression node)
        => node is QueryRootExpression { QueryProvider: not null } root ? root.DetachQueryProvider() : base.VisitExtension(node);
}
