package io.akkaetcd.raft;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Pending ReadIndex requests on the leader (thesis §6.4, etcd's ReadOnlySafe). Each request records the commit
 * index when it arrived and gets a context number; the next heartbeat round carries the newest context. When a
 * quorum of voters acknowledges context c, leadership was confirmed after every request up to c arrived, so all of
 * them are released at their recorded index.
 */
final class ReadOnly {
    record PendingRead(long context, long requestId, long from, long index, Set<Long> acks) { }

    private final Map<Long, PendingRead> pending = new LinkedHashMap<>();
    private long nextContext = 1;

    long add(long index, long requestId, long from, long selfId) {
        long ctx = nextContext++;
        Set<Long> acks = new TreeSet<>();
        acks.add(selfId);
        pending.put(ctx, new PendingRead(ctx, requestId, from, index, acks));
        return ctx;
    }

    /** Number of voters (including us) that acknowledged ctx, or 0 if ctx is unknown or already released. */
    int recvAck(long from, long ctx) {
        PendingRead r = pending.get(ctx);
        if (r == null) return 0;
        r.acks().add(from);
        return r.acks().size();
    }

    /** Remove and return every request up to and including ctx, oldest first. */
    List<PendingRead> release(long ctx) {
        List<PendingRead> out = new ArrayList<>();
        Iterator<PendingRead> it = pending.values().iterator();
        while (it.hasNext()) {
            PendingRead r = it.next();
            if (r.context() > ctx) break;
            out.add(r);
            it.remove();
        }
        return out;
    }

    /** Context for the next heartbeat round: the newest pending request, or 0. */
    long lastPendingContext() {
        long last = 0;
        for (long c : pending.keySet()) last = c;
        return last;
    }
}
