package io.akkaetcd.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.akkaetcd.api.Member;
import io.akkaetcd.config.MemberConfig;
import io.akkaetcd.store.MemberIdentity;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import io.akkaetcd.tls.KeyMaterial;
import io.akkaetcd.tls.PeerSslEngineProvider;

/**
 * The cluster as --initial-cluster describes it: each member's ID, name and peer URLs, and the cluster
 * ID. IDs are derived as etcd derives them, so they are stable across restarts and equal to what etcd
 * reports for the same flags: a member ID is the first 8 bytes (big-endian) of SHA-1 over its sorted
 * peer URLs followed by the cluster token; the cluster ID the same over the sorted member IDs.
 */
public record ClusterLayout(long memberId, long clusterId, Member self, Map<Long, Member> members) {

  public static ClusterLayout of(MemberConfig config) {
    Map<Long, Member> members = new LinkedHashMap<>();
    config.initialCluster().forEach((name, urls) -> {
      long id = memberId(urls, config.initialClusterToken());
      members.put(id, Member.newBuilder().setID(id).setName(name)
          .addAllPeerURLs(urls.stream().map(URI::toString).toList()).build());
    });
    long self = memberId(config.initialAdvertisePeerUrls(), config.initialClusterToken());
    Member selfMember = members.getOrDefault(self, Member.newBuilder().setID(self).setName(config.name())
        .addAllPeerURLs(config.initialAdvertisePeerUrls().stream().map(URI::toString).toList()).build());
    return new ClusterLayout(self, clusterId(new ArrayList<>(members.keySet())), selfMember, members);
  }

  /**
   * This layout for a member whose ids were stored at bootstrap: after bootstrap the flags no longer
   * decide who the member is (etcd ignores {@code --initial-cluster*} once it has data).
   */
  public ClusterLayout withIdentity(long storedMemberId, long storedClusterId) {
    Member me = members.getOrDefault(storedMemberId, self.toBuilder().setID(storedMemberId).build());
    return new ClusterLayout(storedMemberId, storedClusterId, me, members);
  }

  /** The other members' peer URLs, by ID. */
  public Map<Long, List<URI>> peers() {
    Map<Long, List<URI>> out = new LinkedHashMap<>();
    members.forEach((id, m) -> {
      if (id != memberId) {
        out.put(id, m.getPeerURLsList().stream().map(URI::create).toList());
      }
    });
    return out;
  }

  /** Akka remoting (Artery TCP) on this member's peer URL: advertised as its peers know it, bound where told. */
  public Config remotingConfig(MemberConfig config) {
    URI advertised = config.initialAdvertisePeerUrls().get(0);
    URI listen = config.listenPeerUrls().get(0);
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("akka.actor.provider", "remote");
    settings.put("akka.remote.artery.transport", "tcp");
    settings.put("akka.remote.artery.canonical.hostname", advertised.getHost());
    settings.put("akka.remote.artery.canonical.port", advertised.getPort());
    settings.put("akka.remote.artery.bind.hostname", listen.getHost());
    settings.put("akka.remote.artery.bind.port", listen.getPort());
    return ConfigFactory.parseMap(settings);
  }

  /** With https peer URLs, Artery on tls-tcp with etcd's peer TLS; nothing otherwise. */
  public Config peerTlsConfig(Optional<KeyMaterial> peerTls) {
    return peerTls.map(m -> PeerSslEngineProvider.config(m.options())).orElse(ConfigFactory.empty());
  }

  public static long memberId(Collection<URI> peerUrls, String clusterToken) {
    StringBuilder b = new StringBuilder();
    peerUrls.stream().map(URI::toString).sorted().forEach(b::append);
    b.append(clusterToken);
    return first8(sha1(b.toString().getBytes(StandardCharsets.UTF_8)));
  }

  public static long clusterId(List<Long> memberIds) {
    return MemberIdentity.clusterIdOf(memberIds);
  }

  private static byte[] sha1(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-1").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static long first8(byte[] hash) {
    return ByteBuffer.wrap(hash, 0, 8).getLong();
  }
}
