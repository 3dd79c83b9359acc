-- name: KILL QUERY by id
-- route: write
-- type: kill
-- reads:
-- writes:
-- cacheable: false
-- note: reads system.processes behind the scenes, but KILL changes server state, so it goes to the writer
KILL QUERY WHERE query_id = '2b1d0a9e-1e6c-4b0c-9f59-5c1e2a7b8f10'
-- ====
-- name: KILL QUERY by user SYNC
-- route: write
-- type: kill
-- reads:
-- writes:
-- cacheable: false
KILL QUERY WHERE user = 'etl' SYNC
-- ====
-- name: KILL QUERY ASYNC
-- route: write
-- type: kill
-- reads:
-- writes:
-- cacheable: false
KILL QUERY WHERE elapsed > 600 ASYNC
-- ====
-- name: KILL QUERY TEST
-- route: write
-- type: kill
-- reads:
-- writes:
-- cacheable: false
KILL QUERY WHERE query LIKE 'SELECT%' TEST
-- ====
-- name: KILL QUERY ON CLUSTER
-- route: write
-- type: kill
-- reads:
-- writes:
-- cacheable: false
KILL QUERY ON CLUSTER main WHERE query_id = 'abc'
-- ====
-- name: KILL QUERY with a subquery
-- route: write
-- type: kill
-- reads: ?
-- writes:
-- cacheable: false
-- note: whether the subquery's table counts as read is left open; the route is what matters
KILL QUERY WHERE query_id IN (SELECT query_id FROM system.processes WHERE elapsed > 60)
-- ====
-- name: KILL MUTATION
-- route: write
-- type: kill
-- reads:
-- writes:
-- cacheable: false
KILL MUTATION WHERE database = 'analytics' AND table = 'events'
-- ====
-- name: KILL MUTATION by id TEST
-- route: write
-- type: kill
-- reads:
-- writes:
-- cacheable: false
KILL MUTATION WHERE mutation_id = 'mutation_3.txt' TEST
-- ====
-- name: KILL MUTATION ON CLUSTER SYNC
-- route: write
-- type: kill
-- reads:
-- writes:
-- cacheable: false
KILL MUTATION ON CLUSTER main WHERE table = 'events' SYNC
-- ====
-- name: lower-case kill query
-- route: write
-- type: kill
-- reads:
-- writes:
-- cacheable: false
kill query where query_id = 'x'
