package io.akkaetcd.raft;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded chaos: many proposals while links drop, delay and reorder messages, partitions come and go, members crash
 * and restart and compact their logs. Checks the safety properties of paper figure 3 (Election Safety, State
 * Machine Safety — the harness checks every applied entry online) and, after healing, that every proposal that
 * was acknowledged as committed is applied on every member (Leader Completeness, §5.4.3) and that the applied
 * logs are prefixes of one another (Log Matching, §5.3).
 */
class RandomizedClusterTest {

    /** 24 seeds by default; run more with -Draft.chaos.seeds=N (400 and 3000 were run clean). */
    static List<Long> seeds() {
        List<Long> s = new ArrayList<>();
        long n = Long.getLong("raft.chaos.seeds", 24);
        long only = Long.getLong("raft.chaos.only", 0);
        if (only > 0) return List.of(only * 7919);
        for (long i = 1; i <= n; i++) s.add(i * 7919);
        return s;
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void chaos(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int size = r.nextBoolean() ? 3 : 5;
        RaftConfig cfg = RaftConfig.defaults(1).withFlowControl(1 + r.nextInt(8), 1 + r.nextInt(10));
        SimulatedNetwork net = SimulatedNetwork.of(size, seed, cfg);
        // Slow disks: leaders send appends before their own write ends, and a crash loses the write in flight.
        net.setMaxDiskDelayTicks(r.nextInt(3));
        Map<String, long[]> proposed = new HashMap<>(); // payload -> {index, term}
        Set<String> acknowledged = new HashSet<>();
        Map<Long, Long> leaderByTerm = new HashMap<>();
        // Linearizable reads (thesis §6.4): requestId -> highest acknowledged write index when the read was issued.
        Map<Long, Long> readFloor = new HashMap<>();
        Map<Long, Integer> readsSeen = new HashMap<>();
        long maxAcknowledgedIndex = 0;
        int readsServed = 0;
        int counter = 0;

        for (int step = 0; step < 600; step++) {
            int dice = r.nextInt(100);
            if (dice < 3) {
                net.heal();
                net.setDropRate(r.nextDouble() * 0.3);
                net.setMaxDelayTicks(r.nextInt(3));
                net.setReorder(r.nextBoolean());
            } else if (dice < 5) {
                net.isolate(1 + r.nextInt(size));
            } else if (dice < 7) {
                Set<Long> side = new HashSet<>();
                for (long id = 1; id <= size; id++) if (r.nextBoolean()) side.add(id);
                net.partition(side);
            } else if (dice < 10) {
                net.heal();
            } else if (dice < 13) {
                // Crash only while a majority of the current voters stays up, so the run keeps making progress.
                long id = 1 + r.nextInt(size);
                SimulatedNetwork.Member m = net.member(id);
                if (m.up && majorityStaysUp(net, id)) net.crash(id);
            } else if (dice < 15) {
                long id = 1 + r.nextInt(size);
                if (net.member(id).up) net.compact(id);
            } else if (dice < 17) {
                SimulatedNetwork.Member l = net.leader();
                if (l != null) l.node.transferLeadership(1 + r.nextInt(size)); // thesis §3.10
            } else if (dice < 19) {
                // Cycle the last member: voter -> removed -> learner -> voter (§6 single-server changes).
                SimulatedNetwork.Member l = net.leader();
                if (l != null) {
                    Configuration c = l.node.status().configuration();
                    ConfChange.Type t = c.isVoter(size) ? ConfChange.Type.REMOVE_NODE
                            : c.isLearner(size) ? ConfChange.Type.ADD_VOTER : ConfChange.Type.ADD_LEARNER;
                    l.node.proposeConfChange(new ConfChange(t, size));
                }
            }
            for (SimulatedNetwork.Member m : net.members()) {
                if (!m.up && r.nextInt(40) == 0) net.restart(m.id);
            }
            if (r.nextInt(5) == 0) {
                SimulatedNetwork.Member reader = net.member(1 + r.nextInt(size));
                long requestId = counter++;
                if (reader.up && reader.node.readIndex(requestId)) readFloor.put(requestId, maxAcknowledgedIndex);
            }
            SimulatedNetwork.Member leader = net.leader();
            if (leader != null && r.nextInt(3) > 0) {
                String payload = "p" + counter++;
                if (leader.node.propose(payload.getBytes()) instanceof ProposeResult.Accepted a) {
                    proposed.put(payload, new long[] {a.index(), a.term()});
                }
                if (dice == 19 && majorityStaysUp(net, leader.id)) net.crash(leader.id); // before it persisted
            }
            net.tick(1);
            if (Boolean.getBoolean("raft.chaos.trace") && step % 20 == 0) {
                StringBuilder sb = new StringBuilder("TRACE step " + step + " acked=" + acknowledged.size() + " dice=" + dice);
                for (SimulatedNetwork.Member m : net.members()) {
                    sb.append(" | ").append(m.id).append(m.up ? "" : " DOWN");
                    if (m.up) sb.append(" ").append(m.node.role()).append(" t").append(m.node.term()).append(" c").append(m.node.status().commit())
                            .append(" l").append(m.node.leaderId()).append(" v").append(m.node.status().configuration().voters());
                }
                System.err.println(sb);
            }
            for (SimulatedNetwork.Member m : net.members()) {
                if (!m.up) continue;
                if (m.node.role() == Role.LEADER) {
                    Long prev = leaderByTerm.putIfAbsent(m.node.term(), m.id);
                    assertTrue(prev == null || prev == m.id, "Election Safety: two leaders in term " + m.node.term());
                }
                // A proposal counts as acknowledged once any member applied it at the index it was given.
                for (LogEntry e : m.applied) {
                    String p = new String(e.data());
                    long[] at = proposed.get(p);
                    if (at != null && at[0] == e.index() && at[1] == e.term() && acknowledged.add(p)) {
                        maxAcknowledgedIndex = Math.max(maxAcknowledgedIndex, e.index());
                    }
                }
                int seen = readsSeen.getOrDefault(m.id, 0);
                for (ReadState rs : m.readStates.subList(Math.min(seen, m.readStates.size()), m.readStates.size())) {
                    Long floor = readFloor.get(rs.requestId());
                    assertNotNull(floor, "a read nobody issued: " + rs);
                    assertTrue(rs.index() >= floor, "stale read " + rs + ": a write at " + floor + " was acknowledged before it");
                    readsServed++;
                }
                readsSeen.put(m.id, m.readStates.size());
            }
        }

        net.heal();
        for (SimulatedNetwork.Member m : net.members()) if (!m.up) net.restart(m.id);
        // Like a client: retry the final write until it is applied (a just-healed old leader may lose it).
        boolean done = false;
        for (int attempt = 0; attempt < 10 && !done; attempt++) {
            SimulatedNetwork.Member leader = net.awaitLeader(500);
            leader.node.propose("final".getBytes());
            net.tick(30);
            done = net.appliedData(leader.id).stream().anyMatch(d -> new String(d).equals("final"));
        }
        assertTrue(done, "the healed cluster commits again");

        Configuration finalConfig = net.leader().node.status().configuration();
        // Slow disks and a one-message window can leave a follower far behind: give it time, not forever.
        for (int t = 0; t < 100 && !allApplied(net, finalConfig, "final"); t++) net.tick(10);
        List<List<String>> logs = new ArrayList<>();
        for (SimulatedNetwork.Member m : net.members()) {
            logs.add(m.applied.stream().map(e -> e.index() + "@" + e.term() + ":" + new String(e.data())).toList());
            if (!finalConfig.contains(m.id)) continue; // removed: it keeps a prefix but is no longer fed
            List<String> data = net.appliedData(m.id).stream().map(String::new).toList();
            if (!data.contains("final")) {
                for (SimulatedNetwork.Member x : net.members()) {
                    System.err.println("DEBUG " + x.id + " " + x.node.status() + " applied=" + x.appliedIndex + " first=" + x.storage.firstIndex()
                        + (x.node.role() == Role.LEADER ? " prog=" + x.node.tracker.progress : ""));
                }
            }
            assertTrue(data.contains("final"), "member " + m.id + " caught up");
            assertTrue(data.containsAll(acknowledged), "member " + m.id + " lost an acknowledged write");
        }
        for (List<String> a : logs) {
            for (List<String> b : logs) {
                List<String> shorter = a.size() <= b.size() ? a : b;
                List<String> longer = a.size() <= b.size() ? b : a;
                assertEquals(shorter, longer.subList(0, shorter.size()), "applied logs are prefixes");
            }
        }
        assertTrue(acknowledged.size() > 10, "the run made progress: " + acknowledged.size());
        assertTrue(readsServed > 0, "some reads were served");
    }

    private static boolean allApplied(SimulatedNetwork net, Configuration config, String payload) {
        for (long id : config.members()) {
            if (net.appliedData(id).stream().noneMatch(d -> new String(d).equals(payload))) return false;
        }
        return true;
    }

    private static boolean majorityStaysUp(SimulatedNetwork net, long victim) {
        Configuration c = latestConfiguration(net);
        int votersDown = 0;
        for (long v : c.voters()) if (!net.member(v).up) votersDown++;
        if (c.isVoter(victim)) votersDown++;
        return votersDown <= (c.voters().size() - 1) / 2;
    }

    /** The membership as applied by the most advanced live member. */
    private static Configuration latestConfiguration(SimulatedNetwork net) {
        RaftStatus best = null;
        for (SimulatedNetwork.Member m : net.members()) {
            if (m.up && (best == null || m.node.status().applied() > best.applied())) best = m.node.status();
        }
        return best.configuration();
    }
}
