// Frame memory and the ArrayBuffers that hold frames or mappings (see pool.h).

#include "pool.h"

#include <sys/mman.h>

#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace gstts {

namespace {

using v8::ArrayBuffer;
using v8::BackingStore;
using v8::Isolate;
using v8::Local;

// The deleter may run on any thread (V8 frees backing stores in the background), hence the lock.
class FramePool {
 public:
  void* Take(size_t size) {
    if (size >= kMinPooled) {
      std::lock_guard<std::mutex> guard(lock_);
      auto it = free_.find(size);
      if (it != free_.end() && !it->second.empty()) {
        void* data = it->second.back();
        it->second.pop_back();
        pooled_ -= size;
        return data;
      }
    }
    return size >= kMinPooled ? MapPages(size) : g_malloc(size);
  }

  void Give(void* data, size_t size) {
    if (size < kMinPooled) return g_free(data);
    {
      std::lock_guard<std::mutex> guard(lock_);
      if (pooled_ + size <= kMaxPooled) {
        free_[size].push_back(data);
        pooled_ += size;
        return;
      }
    }
    munmap(data, size);
  }

 private:
  // Frame-sized blocks come straight from the kernel and go straight back: through malloc, the
  // freed megabytes stayed in the heap (RSS grew by hundreds of MB over a long 1080p stream).
  static void* MapPages(size_t size) {
    void* data = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (data == MAP_FAILED) g_error("gstreamer-ts: cannot map %zu bytes", size);
    return data;
  }

  static constexpr size_t kMinPooled = 64 * 1024;
  static constexpr size_t kMaxPooled = 64 * 1024 * 1024;
  std::mutex lock_;
  std::unordered_map<size_t, std::vector<void*>> free_;
  size_t pooled_ = 0;
};

FramePool& Pool() {
  static FramePool* pool = new FramePool();  // never destroyed: deleters may run during process exit
  return *pool;
}

// V8 does not give a backing store's deleter data back, and a detached store is freed only at
// the next collection: ReleaseArrayBuffer finds the holder here to free its resources at once.
struct Holders {
  std::mutex lock;
  std::unordered_map<const BackingStore*, Holder*> by_store;
};

Holders& AllHolders() {
  static Holders* holders = new Holders();  // never destroyed, as the pool
  return *holders;
}

void FreeHolderResources(Holder* h) {
  if (h->released.exchange(true)) return;
  if (h->buffer) {
    gst_buffer_unmap(h->buffer, &h->map);
    if (h->owns_ref) gst_buffer_unref(h->buffer);
  } else if (h->memory) {
    gst_memory_unmap(h->memory, &h->map);
    if (h->owns_ref) gst_memory_unref(h->memory);
  } else {
    Pool().Give(h->data, h->size);
  }
}

void HolderDeleter(void*, size_t, void* data) {
  auto* h = static_cast<Holder*>(data);
  {
    Holders& holders = AllHolders();
    std::lock_guard<std::mutex> guard(holders.lock);
    holders.by_store.erase(h->store);
  }
  FreeHolderResources(h);
  delete h;
}

Local<ArrayBuffer> HolderArrayBuffer(Isolate* isolate, Holder* h, void* data, size_t size) {
  static guint8 empty;  // V8 wants a valid pointer even for zero bytes
  auto store = ArrayBuffer::NewBackingStore(size ? data : &empty, size, HolderDeleter, h);
  h->store = store.get();
  {
    Holders& holders = AllHolders();
    std::lock_guard<std::mutex> guard(holders.lock);
    holders.by_store[h->store] = h;
  }
  return ArrayBuffer::New(isolate, std::shared_ptr<BackingStore>(std::move(store)));
}

}  // namespace

void* TakeFrameMemory(size_t size) { return Pool().Take(size); }

void GiveFrameMemory(void* data, size_t size) { Pool().Give(data, size); }

Local<ArrayBuffer> OwnedArrayBuffer(Isolate* isolate, void* data, size_t size) {
  auto* h = new Holder();
  h->data = data;
  h->size = size;
  return HolderArrayBuffer(isolate, h, data, size);
}

Local<ArrayBuffer> ViewArrayBuffer(Isolate* isolate, Holder* h) { return HolderArrayBuffer(isolate, h, h->map.data, h->map.size); }

Local<ArrayBuffer> ReadView(Isolate* isolate, GstBuffer* buffer) {
  auto* h = new Holder();
  if (!gst_buffer_map(buffer, &h->map, GST_MAP_READ)) {
    delete h;
    return {};
  }
  h->buffer = gst_buffer_ref(buffer);
  h->owns_ref = true;
  return ViewArrayBuffer(isolate, h);
}

void ReleaseArrayBuffer(Local<v8::Value> value) {
  if (!value->IsArrayBuffer()) return;
  Local<ArrayBuffer> ab = value.As<ArrayBuffer>();
  if (!ab->IsDetachable() || ab->WasDetached()) return;
  std::shared_ptr<BackingStore> store = ab->GetBackingStore();  // keeps the holder alive here
  Holder* h = nullptr;
  {
    Holders& holders = AllHolders();
    std::lock_guard<std::mutex> guard(holders.lock);
    auto it = holders.by_store.find(store.get());
    if (it != holders.by_store.end()) h = it->second;
  }
  if (h == nullptr) return;  // not one of ours
  ab->Detach(Local<v8::Value>()).Check();
  FreeHolderResources(h);
}

}  // namespace gstts
