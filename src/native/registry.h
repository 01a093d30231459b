// The one table of native objects that JavaScript holds by id: bus watches (bus.cc), signal
// notifiers (notify.cc), source watches (source_watch.cc), element instances and frames waiting
// for a promise (element.cc). JS gets a small integer, never a pointer, so a stale or forged id
// finds nothing instead of freed memory.
//
// Not thread-safe: each table is used from the JS thread only, or under its owner's lock
// (element.cc's instances, which GStreamer creates and finalizes on any thread).
#pragma once

#include <v8.h>

#include "addon.h"

#include <unordered_map>
#include <vector>

namespace gstts {

template <typename T>
class Registry {
 public:
  explicit Registry(Addon* addon = nullptr) : addon_(addon) {}

  // The environment this table belongs to (nullptr: process-wide, see addon.h).
  Addon* addon() const { return addon_; }

  // Registers `item` under a new id: never 0, never reused while the table lives.
  int Add(T* item) {
    int id = next_id_++;
    by_id_[id] = item;
    return id;
  }

  // The item under `id`, or nullptr (unknown, taken already, or not an integer).
  T* Find(int id) const {
    auto it = by_id_.find(id);
    return it == by_id_.end() ? nullptr : it->second;
  }
  T* Find(v8::Local<v8::Value> id) const { return id->IsInt32() ? Find(id.As<v8::Int32>()->Value()) : nullptr; }

  // Unregisters the item under `id` and returns it (the caller releases it), or nullptr.
  T* Take(int id) {
    auto it = by_id_.find(id);
    if (it == by_id_.end()) return nullptr;
    T* item = it->second;
    by_id_.erase(it);
    return item;
  }
  T* Take(v8::Local<v8::Value> id) { return id->IsInt32() ? Take(id.As<v8::Int32>()->Value()) : nullptr; }

  // Unregisters the items `pred` holds for and returns them.
  template <typename Pred>
  std::vector<T*> TakeIf(Pred pred) {
    std::vector<T*> taken;
    for (auto it = by_id_.begin(); it != by_id_.end();) {
      if (pred(it->second)) {
        taken.push_back(it->second);
        it = by_id_.erase(it);
      } else {
        ++it;
      }
    }
    return taken;
  }

  // Unregisters every item, one at a time, and hands each to `release` (teardown). `release`
  // may use the table meanwhile: the item is out of it already.
  template <typename Release>
  void TakeEach(Release release) {
    while (!by_id_.empty()) release(Take(by_id_.begin()->first));
  }

  bool empty() const { return by_id_.empty(); }

 private:
  Addon* addon_;
  std::unordered_map<int, T*> by_id_;
  int next_id_ = 1;
};

// A table for one environment: at its teardown each item left goes to `release`, then the table
// is freed.
template <typename T>
Registry<T>* NewRegistry(Addon* addon, void (*release)(T*)) {
  auto* all = new Registry<T>(addon);
  addon->OnTeardown([all, release] {
    all->TakeEach(release);
    delete all;
  });
  return all;
}

}  // namespace gstts
