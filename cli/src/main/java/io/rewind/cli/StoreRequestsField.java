package io.rewind.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rewind.client.store.StoreRequests;

/**
 * The top-level {@value #NAME} object of a command's JSON report: the object-store requests the
 * command made (docs/operations.md, "Requests"). Added beside the report's own fields, so report
 * classes shared with other modules stay as they are.
 */
public final class StoreRequestsField {

  public static final String NAME = "storeRequests";

  private StoreRequestsField() {}

  /** The report as the mapper writes it, with {@value #NAME} as its last field. */
  static ObjectNode added(ObjectMapper mapper, Object report, StoreRequests requests) {
    ObjectNode node = mapper.valueToTree(report);
    node.set(NAME, mapper.valueToTree(requests));
    return node;
  }
}
